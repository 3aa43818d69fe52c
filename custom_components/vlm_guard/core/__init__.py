"""Pure-Python building blocks of VLM Guard: no Home Assistant imports here."""

"""Check VLM Guard's use of Home Assistant's API against Home Assistant releases."""

# Each release's wheel is downloaded once into a cache outside the repository and
# read in place with `ast` (`wheel`), Python 3.14 sources too (`syntax`), never
# installed or imported, so releases newer than this Python can still be checked.
# Every Home Assistant name the integration imports, reads, calls or overrides is
# looked up in that release (`index`, `resolve`): the module and the name exist,
# calls fit the signature (`params`), overrides still match their base
# (`overrides`), nothing used is deprecated (`deprecation`). Types come from
# annotations (`infer`: `hass: HomeAssistant`, `self.hass`, return types), so
# `hass.config_entries.async_reload(...)` is checked too. `usage` walks one of our
# modules, `report` the whole integration for one release, `__main__` is the CLI.

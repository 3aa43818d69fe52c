var Nt=Object.defineProperty;var kt=(r,t,e)=>t in r?Nt(r,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):r[t]=e;var z=(r,t,e)=>kt(r,typeof t!="symbol"?t+"":t,e);var U=globalThis,L=U.ShadowRoot&&(U.ShadyCSS===void 0||U.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,I=Symbol(),et=new WeakMap,S=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==I)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(L&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=et.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&et.set(e,t))}return t}toString(){return this.cssText}},st=r=>new S(typeof r=="string"?r:r+"",void 0,I),E=(r,...t)=>{let e=r.length===1?r[0]:t.reduce((s,i,o)=>s+(n=>{if(n._$cssResult$===!0)return n.cssText;if(typeof n=="number")return n;throw Error("Value passed to 'css' function must be a 'css' function result: "+n+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[o+1],r[0]);return new S(e,r,I)},rt=(r,t)=>{if(L)r.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),i=U.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=e.cssText,r.appendChild(s)}},j=L?r=>r:r=>r instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return st(e)})(r):r;var{is:Mt,defineProperty:Pt,getOwnPropertyDescriptor:Tt,getOwnPropertyNames:Ot,getOwnPropertySymbols:Rt,getPrototypeOf:Ut}=Object,H=globalThis,it=H.trustedTypes,Lt=it?it.emptyScript:"",Ht=H.reactiveElementPolyfillSupport,C=(r,t)=>r,B={toAttribute(r,t){switch(t){case Boolean:r=r?Lt:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,t){let e=r;switch(t){case Boolean:e=r!==null;break;case Number:e=r===null?null:Number(r);break;case Object:case Array:try{e=JSON.parse(r)}catch{e=null}}return e}},nt=(r,t)=>!Mt(r,t),ot={attribute:!0,type:String,converter:B,reflect:!1,useDefault:!1,hasChanged:nt};Symbol.metadata??=Symbol("metadata"),H.litPropertyMetadata??=new WeakMap;var m=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=ot){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(t,s,e);i!==void 0&&Pt(this.prototype,t,i)}}static getPropertyDescriptor(t,e,s){let{get:i,set:o}=Tt(this.prototype,t)??{get(){return this[e]},set(n){this[e]=n}};return{get:i,set(n){let h=i?.call(this);o?.call(this,n),this.requestUpdate(t,h,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??ot}static _$Ei(){if(this.hasOwnProperty(C("elementProperties")))return;let t=Ut(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(C("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(C("properties"))){let e=this.properties,s=[...Ot(e),...Rt(e)];for(let i of s)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,i]of e)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let i=this._$Eu(e,s);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let i of s)e.unshift(j(i))}else t!==void 0&&e.push(j(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return rt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,s);if(i!==void 0&&s.reflect===!0){let o=(s.converter?.toAttribute!==void 0?s.converter:B).toAttribute(e,s.type);this._$Em=t,o==null?this.removeAttribute(i):this.setAttribute(i,o),this._$Em=null}}_$AK(t,e){let s=this.constructor,i=s._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let o=s.getPropertyOptions(i),n=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:B;this._$Em=i;let h=n.fromAttribute(e,o.type);this[i]=h??this._$Ej?.get(i)??h,this._$Em=null}}requestUpdate(t,e,s,i=!1,o){if(t!==void 0){let n=this.constructor;if(i===!1&&(o=this[t]),s??=n.getPropertyOptions(t),!((s.hasChanged??nt)(o,e)||s.useDefault&&s.reflect&&o===this._$Ej?.get(t)&&!this.hasAttribute(n._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:i,wrapped:o},n){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,n??e??this[t]),o!==!0||n!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,o]of this._$Ep)this[i]=o;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,o]of s){let{wrapped:n}=o,h=this[i];n!==!0||this._$AL.has(i)||h===void 0||this.C(i,void 0,o,h)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};m.elementStyles=[],m.shadowRootOptions={mode:"open"},m[C("elementProperties")]=new Map,m[C("finalized")]=new Map,Ht?.({ReactiveElement:m}),(H.reactiveElementVersions??=[]).push("2.1.2");var Y=globalThis,at=r=>r,D=Y.trustedTypes,ct=D?D.createPolicy("lit-html",{createHTML:r=>r}):void 0,ft="$lit$",_=`lit$${Math.random().toFixed(9).slice(2)}$`,mt="?"+_,Dt=`<${mt}>`,y=document,k=()=>y.createComment(""),M=r=>r===null||typeof r!="object"&&typeof r!="function",Z=Array.isArray,zt=r=>Z(r)||typeof r?.[Symbol.iterator]=="function",V=`[ 	
\f\r]`,N=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,lt=/-->/g,dt=/>/g,v=RegExp(`>|${V}(?:([^\\s"'>=/]+)(${V}*=${V}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),ht=/'/g,pt=/"/g,gt=/^(?:script|style|textarea|title)$/i,J=r=>(t,...e)=>({_$litType$:r,strings:t,values:e}),u=J(1),Jt=J(2),Xt=J(3),x=Symbol.for("lit-noChange"),l=Symbol.for("lit-nothing"),ut=new WeakMap,b=y.createTreeWalker(y,129);function _t(r,t){if(!Z(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return ct!==void 0?ct.createHTML(t):t}var It=(r,t)=>{let e=r.length-1,s=[],i,o=t===2?"<svg>":t===3?"<math>":"",n=N;for(let h=0;h<e;h++){let a=r[h],c,p,d=-1,f=0;for(;f<a.length&&(n.lastIndex=f,p=n.exec(a),p!==null);)f=n.lastIndex,n===N?p[1]==="!--"?n=lt:p[1]!==void 0?n=dt:p[2]!==void 0?(gt.test(p[2])&&(i=RegExp("</"+p[2],"g")),n=v):p[3]!==void 0&&(n=v):n===v?p[0]===">"?(n=i??N,d=-1):p[1]===void 0?d=-2:(d=n.lastIndex-p[2].length,c=p[1],n=p[3]===void 0?v:p[3]==='"'?pt:ht):n===pt||n===ht?n=v:n===lt||n===dt?n=N:(n=v,i=void 0);let g=n===v&&r[h+1].startsWith("/>")?" ":"";o+=n===N?a+Dt:d>=0?(s.push(c),a.slice(0,d)+ft+a.slice(d)+_+g):a+_+(d===-2?h:g)}return[_t(r,o+(r[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},P=class r{constructor({strings:t,_$litType$:e},s){let i;this.parts=[];let o=0,n=0,h=t.length-1,a=this.parts,[c,p]=It(t,e);if(this.el=r.createElement(c,s),b.currentNode=this.el.content,e===2||e===3){let d=this.el.content.firstChild;d.replaceWith(...d.childNodes)}for(;(i=b.nextNode())!==null&&a.length<h;){if(i.nodeType===1){if(i.hasAttributes())for(let d of i.getAttributeNames())if(d.endsWith(ft)){let f=p[n++],g=i.getAttribute(d).split(_),R=/([.?@])?(.*)/.exec(f);a.push({type:1,index:o,name:R[2],strings:g,ctor:R[1]==="."?W:R[1]==="?"?q:R[1]==="@"?K:w}),i.removeAttribute(d)}else d.startsWith(_)&&(a.push({type:6,index:o}),i.removeAttribute(d));if(gt.test(i.tagName)){let d=i.textContent.split(_),f=d.length-1;if(f>0){i.textContent=D?D.emptyScript:"";for(let g=0;g<f;g++)i.append(d[g],k()),b.nextNode(),a.push({type:2,index:++o});i.append(d[f],k())}}}else if(i.nodeType===8)if(i.data===mt)a.push({type:2,index:o});else{let d=-1;for(;(d=i.data.indexOf(_,d+1))!==-1;)a.push({type:7,index:o}),d+=_.length-1}o++}}static createElement(t,e){let s=y.createElement("template");return s.innerHTML=t,s}};function A(r,t,e=r,s){if(t===x)return t;let i=s!==void 0?e._$Co?.[s]:e._$Cl,o=M(t)?void 0:t._$litDirective$;return i?.constructor!==o&&(i?._$AO?.(!1),o===void 0?i=void 0:(i=new o(r),i._$AT(r,e,s)),s!==void 0?(e._$Co??=[])[s]=i:e._$Cl=i),i!==void 0&&(t=A(r,i._$AS(r,t.values),i,s)),t}var F=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,i=(t?.creationScope??y).importNode(e,!0);b.currentNode=i;let o=b.nextNode(),n=0,h=0,a=s[0];for(;a!==void 0;){if(n===a.index){let c;a.type===2?c=new T(o,o.nextSibling,this,t):a.type===1?c=new a.ctor(o,a.name,a.strings,this,t):a.type===6&&(c=new G(o,this,t)),this._$AV.push(c),a=s[++h]}n!==a?.index&&(o=b.nextNode(),n++)}return b.currentNode=y,i}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},T=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,i){this.type=2,this._$AH=l,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=A(this,t,e),M(t)?t===l||t==null||t===""?(this._$AH!==l&&this._$AR(),this._$AH=l):t!==this._$AH&&t!==x&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):zt(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==l&&M(this._$AH)?this._$AA.nextSibling.data=t:this.T(y.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,i=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=P.createElement(_t(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(e);else{let o=new F(i,this),n=o.u(this.options);o.p(e),this.T(n),this._$AH=o}}_$AC(t){let e=ut.get(t.strings);return e===void 0&&ut.set(t.strings,e=new P(t)),e}k(t){Z(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,i=0;for(let o of t)i===e.length?e.push(s=new r(this.O(k()),this.O(k()),this,this.options)):s=e[i],s._$AI(o),i++;i<e.length&&(this._$AR(s&&s._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=at(t).nextSibling;at(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},w=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,i,o){this.type=1,this._$AH=l,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=o,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=l}_$AI(t,e=this,s,i){let o=this.strings,n=!1;if(o===void 0)t=A(this,t,e,0),n=!M(t)||t!==this._$AH&&t!==x,n&&(this._$AH=t);else{let h=t,a,c;for(t=o[0],a=0;a<o.length-1;a++)c=A(this,h[s+a],e,a),c===x&&(c=this._$AH[a]),n||=!M(c)||c!==this._$AH[a],c===l?t=l:t!==l&&(t+=(c??"")+o[a+1]),this._$AH[a]=c}n&&!i&&this.j(t)}j(t){t===l?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},W=class extends w{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===l?void 0:t}},q=class extends w{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==l)}},K=class extends w{constructor(t,e,s,i,o){super(t,e,s,i,o),this.type=5}_$AI(t,e=this){if((t=A(this,t,e,0)??l)===x)return;let s=this._$AH,i=t===l&&s!==l||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,o=t!==l&&(s===l||i);i&&this.element.removeEventListener(this.name,this,s),o&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},G=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){A(this,t)}};var jt=Y.litHtmlPolyfillSupport;jt?.(P,T),(Y.litHtmlVersions??=[]).push("3.3.3");var $t=(r,t,e)=>{let s=e?.renderBefore??t,i=s._$litPart$;if(i===void 0){let o=e?.renderBefore??null;s._$litPart$=i=new T(t.insertBefore(k(),o),o,void 0,e??{})}return i._$AI(r),i};var X=globalThis,$=class extends m{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=$t(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return x}};$._$litElement$=!0,$.finalized=!0,X.litElementHydrateSupport?.({LitElement:$});var Bt=X.litElementPolyfillSupport;Bt?.({LitElement:$});(X.litElementVersions??=[]).push("4.2.2");async function vt(r,t,e={}){if(!r)throw new Error("Home Assistant is not connected yet");let s={type:t,...e};try{return r.connection&&typeof r.connection.sendMessagePromise=="function"?await r.connection.sendMessagePromise(s):await r.callWS(s)}catch(i){let o=new Error(Q(i));throw o.code=i&&typeof i=="object"?i.code:void 0,o}}function Q(r){return r==null?"Unknown error":typeof r=="string"?r:r.code==="unauthorized"?"Only administrators can use VLM Guard here.":r.message?String(r.message):r.error?String(r.error):r.code?String(r.code):String(r)}var tt=r=>vt(r,"vlm_guard/cameras");var bt=(r,t)=>vt(r,"vlm_guard/incidents/list",t);function yt(r){return r&&(r.locale&&r.locale.language||r.language)||void 0}function Vt(r){if(!r)return null;let t=r instanceof Date?r:new Date(r);return Number.isNaN(t.getTime())?null:t}function xt(r,t,e=new Date){let s=Vt(t);if(!s)return"";let i=s.toLocaleTimeString(yt(r),{hour:"2-digit",minute:"2-digit"});return s.toDateString()===e.toDateString()?i:`${s.toLocaleDateString(yt(r),{weekday:"short",day:"numeric",month:"short"})}, ${i}`}var At={new:"New",real:"Real",false_alarm:"False alarm",acknowledged:"Acknowledged",suppressed:"Suppressed"};function wt(r){let t=r&&r.urls||{};return t.best||t.first||t.crop||null}var St=E`
  :host {
    color: var(--primary-text-color, #212121);
    font-family: var(--paper-font-body1_-_font-family, var(--ha-font-family-body, Roboto, "Noto Sans", sans-serif));
    font-size: 14px;
    -webkit-font-smoothing: antialiased;
  }
  * {
    box-sizing: border-box;
  }
  .card {
    background: var(--ha-card-background, var(--card-background-color, #fff));
    border-radius: var(--ha-card-border-radius, 12px);
    border: var(--ha-card-border-width, 1px) solid var(--ha-card-border-color, var(--divider-color, #e0e0e0));
    box-shadow: var(--ha-card-box-shadow, none);
    color: var(--primary-text-color, #212121);
    overflow: hidden;
  }
  .secondary {
    color: var(--secondary-text-color, #727272);
  }
  .error {
    color: var(--error-color, #db4437);
  }
  .message {
    padding: 8px 12px;
    border-radius: 8px;
    margin: 8px 0;
    line-height: 1.4;
  }
  .message.error {
    background: rgba(219, 68, 55, 0.12);
    border: 1px solid var(--error-color, #db4437);
  }
  .message.ok {
    background: rgba(67, 160, 71, 0.12);
    border: 1px solid var(--success-color, #43a047);
    color: var(--primary-text-color, #212121);
  }
  button {
    font: inherit;
    font-weight: 500;
    cursor: pointer;
    border-radius: 18px;
    min-height: 36px;
    padding: 0 16px;
    border: 1px solid var(--primary-color, #03a9f4);
    background: transparent;
    color: var(--primary-color, #03a9f4);
    white-space: nowrap;
  }
  button.primary {
    background: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  button.danger {
    border-color: var(--error-color, #db4437);
    color: var(--error-color, #db4437);
  }
  button.plain {
    border-color: transparent;
  }
  button:disabled {
    cursor: default;
    opacity: 0.45;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--primary-color, #03a9f4);
    outline-offset: 1px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--primary-text-color, #212121);
    background: var(--input-fill-color, var(--secondary-background-color, #f5f5f5));
    border: 1px solid var(--divider-color, #ccc);
    border-radius: 6px;
    min-height: 36px;
    padding: 4px 8px;
    max-width: 100%;
  }
  label.field input,
  label.field select {
    font-size: 14px;
  }
  @media (max-width: 600px) {
    /* Phones zoom into smaller text fields. */
    label.field input,
    label.field select {
      font-size: 16px;
    }
  }
  input[type="checkbox"] {
    min-height: 0;
    width: 18px;
    height: 18px;
    accent-color: var(--primary-color, #03a9f4);
    vertical-align: middle;
  }
  label.field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 12px;
    color: var(--secondary-text-color, #727272);
  }
  label.check {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    cursor: pointer;
  }
  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 10px;
    font-size: 12px;
    line-height: 18px;
    white-space: nowrap;
    background: var(--secondary-background-color, #eee);
    color: var(--primary-text-color, #212121);
    border: 1px solid var(--divider-color, #ddd);
  }
  .badge.new,
  .badge.alert {
    background: var(--warning-color, #ffa600);
    border-color: transparent;
    color: #000;
  }
  .badge.real,
  .badge.REAL {
    background: var(--error-color, #db4437);
    border-color: transparent;
    color: #fff;
  }
  .badge.false_alarm,
  .badge.suppressed,
  .badge.FALSE_POSITIVE,
  .badge.NOISE,
  .badge.proposed {
    background: var(--info-color, #039be5);
    border-color: transparent;
    color: #fff;
  }
  .badge.acknowledged,
  .badge.ok,
  .badge.active {
    background: var(--success-color, #43a047);
    border-color: transparent;
    color: #fff;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  .empty {
    padding: 24px;
    text-align: center;
    color: var(--secondary-text-color, #727272);
  }
  img.thumb {
    width: 96px;
    height: 54px;
    object-fit: cover;
    border-radius: 6px;
    background: var(--secondary-background-color, #eee);
    flex: none;
  }
  .thumb.none {
    display: flex;
    align-items: center;
    justify-content: center;
    font-size: 11px;
    width: 96px;
    height: 54px;
    border-radius: 6px;
    background: var(--secondary-background-color, #eee);
    color: var(--secondary-text-color, #727272);
    flex: none;
  }
`;var Ct="vlm-guard-incidents-card",Ft=1e4,Et=50;function Wt(r){if(!r||typeof r!="object"||Array.isArray(r))throw new Error("Invalid configuration: expected an object");if(typeof r.camera!="string"||!r.camera.trim())throw new Error("Set 'camera' to a VLM Guard camera: its id (from Settings \u2192 Devices & services) or one of its entity ids");let t=r.count===void 0?5:r.count;if(!Number.isInteger(t)||t<1||t>Et)throw new Error(`'count' must be a whole number from 1 to ${Et}`);if(r.title!==void 0&&typeof r.title!="string")throw new Error("'title' must be text");return{...r,camera:r.camera.trim(),count:t}}var O=class extends ${constructor(){super(),this._config=null,this._incidents=[],this._cameraName=null,this._error=null,this._loaded=!1,this._camera=null,this._last=0,this._loading=!1,this._timer=void 0}setConfig(t){this._config=Wt(t),this._camera=null,this._last=0,this._loaded=!1,this._incidents=[],this._error=null,this.hass&&this._refresh()}getCardSize(){return 1+(this._config?this._config.count:5)}getGridOptions(){return{columns:12,min_columns:6}}static getStubConfig(t){let e=t&&t.entities||{};return{camera:Object.keys(e).sort().find(i=>e[i].platform==="vlm_guard"&&/^binary_sensor\..*_alert$/.test(i))||"",count:5}}disconnectedCallback(){super.disconnectedCallback(),clearTimeout(this._timer),this._timer=void 0}connectedCallback(){super.connectedCallback(),this.hass&&this._config&&this._schedule()}willUpdate(t){t.has("hass")&&this.hass&&this._config&&this._schedule()}_schedule(){let t=this._last+Ft-Date.now();t<=0?this._refresh():this._timer===void 0&&this.isConnected&&(this._timer=setTimeout(()=>{this._timer=void 0,this._refresh()},t))}async _resolveCamera(){let t=this._config.camera;if(!t.includes(".")){try{let a=await tt(this.hass),c=(a&&a.cameras||[]).find(p=>p.id===t);c&&(this._cameraName=c.name)}catch{}return t}let e=await tt(this.hass),s=e&&e.cameras||[],i=(a,c)=>Object.values(a.entities||{}).includes(c),o=s.find(a=>i(a,t)),n=this.hass.entities||{},h=n[t]&&n[t].device_id;if(!o&&h&&(o=s.find(a=>Object.values(a.entities||{}).some(c=>n[c]&&n[c].device_id===h))),!o)throw new Error(`${t} is not an entity of a VLM Guard camera`);return this._cameraName=o.name,o.id}async _refresh(){if(this._loading||!this._config||!this.hass)return;this._loading=!0,this._last=Date.now();let t=this._config;try{this._camera||(this._camera=await this._resolveCamera());let e=await bt(this.hass,{camera:this._camera,limit:t.count,offset:0});if(t!==this._config)return;this._incidents=e&&e.incidents||[],this._incidents.length&&(this._cameraName=this._incidents[0].camera_name||this._cameraName),this._error=null}catch(e){t===this._config&&(this._error=Q(e))}finally{this._loading=!1,this._loaded=!0}}render(){if(!this._config)return l;let t=this._config.title!==void 0?this._config.title:this._cameraName?`${this._cameraName}: incidents`:"VLM Guard incidents";return u`<div class="card" data-testid="incidents-card">
      ${t?u`<h1 class="card-header">${t}</h1>`:l}
      <div class="card-content">
        ${this._error?u`<div class="message error">Could not load the incidents: ${this._error}</div>`:l}
        ${this._incidents.map(e=>this._renderIncident(e))}
        ${this._loaded&&!this._error&&!this._incidents.length?u`<div class="empty">No incidents kept for this camera.</div>`:l}
        ${this._loaded?l:u`<div class="empty">Loading…</div>`}
      </div>
    </div>`}_renderIncident(t){let e=wt(t),s=t.urls||{},i=s.best||s.first,o=e?u`<img class="thumb" src=${e} alt="" loading="lazy" />`:u`<div class="thumb none">No picture</div>`;return u`<div class="incident" data-testid="card-incident" data-incident-id=${t.id}>
      ${i?u`<a href=${i} target="_blank" rel="noopener">${o}</a>`:o}
      <div class="text">
        <div class="meta">
          <span class="time">${xt(this.hass,t.started)}</span>
          ${t.status&&t.status!=="new"?u`<span class="badge ${t.status}">${At[t.status]||t.status}</span>`:l}
          ${t.ended?l:u`<span class="badge alert">Ongoing</span>`}
        </div>
        <div class="description">${t.description||"(no description)"}</div>
      </div>
    </div>`}};z(O,"properties",{hass:{attribute:!1},_config:{state:!0},_incidents:{state:!0},_cameraName:{state:!0},_error:{state:!0},_loaded:{state:!0}}),z(O,"styles",[St,E`
      :host {
        display: block;
      }
      .card {
        height: 100%;
      }
      .card-header {
        font-size: 24px;
        font-weight: 400;
        line-height: 32px;
        margin: 0;
        padding: 16px 16px 8px;
        color: var(--ha-card-header-color, var(--primary-text-color, #212121));
      }
      .card-content {
        padding: 0 16px 12px;
      }
      .card-header + .card-content {
        padding-top: 0;
      }
      h1 + .card-content:empty {
        display: none;
      }
      .incident {
        display: flex;
        gap: 12px;
        align-items: flex-start;
        padding: 8px 0;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
      }
      .incident:last-of-type {
        border-bottom: none;
      }
      .incident a {
        display: block;
        flex: none;
      }
      .text {
        min-width: 0;
        flex: 1;
      }
      .meta {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .time {
        font-weight: 500;
      }
      .description {
        margin-top: 2px;
        overflow-wrap: anywhere;
        display: -webkit-box;
        -webkit-line-clamp: 3;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .empty {
        padding: 12px 0;
      }
    `]);customElements.get(Ct)||customElements.define("vlm-guard-incidents-card",O);window.customCards=window.customCards||[];window.customCards.some(r=>r.type===Ct)||window.customCards.push({type:"vlm-guard-incidents-card",name:"VLM Guard incidents",description:"The latest incidents of a VLM Guard camera: picture, time and what the VLM saw.",preview:!1});export{O as VlmGuardIncidentsCard,Wt as checkConfig};
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/

var nt=Object.defineProperty;var lt=(i,e,t)=>e in i?nt(i,e,{enumerable:!0,configurable:!0,writable:!0,value:t}):i[e]=t;var m=(i,e,t)=>lt(i,typeof e!="symbol"?e+"":e,t);var Y=globalThis,J=Y.ShadowRoot&&(Y.ShadyCSS===void 0||Y.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,re=Symbol(),ke=new WeakMap,L=class{constructor(e,t,s){if(this._$cssResult$=!0,s!==re)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=e,this.t=t}get styleSheet(){let e=this.o,t=this.t;if(J&&e===void 0){let s=t!==void 0&&t.length===1;s&&(e=ke.get(t)),e===void 0&&((this.o=e=new CSSStyleSheet).replaceSync(this.cssText),s&&ke.set(t,e))}return e}toString(){return this.cssText}},Ae=i=>new L(typeof i=="string"?i:i+"",void 0,re),_=(i,...e)=>{let t=i.length===1?i[0]:e.reduce((s,r,a)=>s+(n=>{if(n._$cssResult$===!0)return n.cssText;if(typeof n=="number")return n;throw Error("Value passed to 'css' function must be a 'css' function result: "+n+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(r)+i[a+1],i[0]);return new L(t,i,re)},Ee=(i,e)=>{if(J)i.adoptedStyleSheets=e.map(t=>t instanceof CSSStyleSheet?t:t.styleSheet);else for(let t of e){let s=document.createElement("style"),r=Y.litNonce;r!==void 0&&s.setAttribute("nonce",r),s.textContent=t.cssText,i.appendChild(s)}},ae=J?i=>i:i=>i instanceof CSSStyleSheet?(e=>{let t="";for(let s of e.cssRules)t+=s.cssText;return Ae(t)})(i):i;var{is:dt,defineProperty:ct,getOwnPropertyDescriptor:ht,getOwnPropertyNames:pt,getOwnPropertySymbols:ut,getPrototypeOf:mt}=Object,X=globalThis,Se=X.trustedTypes,ft=Se?Se.emptyScript:"",gt=X.reactiveElementPolyfillSupport,I=(i,e)=>i,oe={toAttribute(i,e){switch(e){case Boolean:i=i?ft:null;break;case Object:case Array:i=i==null?i:JSON.stringify(i)}return i},fromAttribute(i,e){let t=i;switch(e){case Boolean:t=i!==null;break;case Number:t=i===null?null:Number(i);break;case Object:case Array:try{t=JSON.parse(i)}catch{t=null}}return t}},Ce=(i,e)=>!dt(i,e),ze={attribute:!0,type:String,converter:oe,reflect:!1,useDefault:!1,hasChanged:Ce};Symbol.metadata??=Symbol("metadata"),X.litPropertyMetadata??=new WeakMap;var w=class extends HTMLElement{static addInitializer(e){this._$Ei(),(this.l??=[]).push(e)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(e,t=ze){if(t.state&&(t.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(e)&&((t=Object.create(t)).wrapped=!0),this.elementProperties.set(e,t),!t.noAccessor){let s=Symbol(),r=this.getPropertyDescriptor(e,s,t);r!==void 0&&ct(this.prototype,e,r)}}static getPropertyDescriptor(e,t,s){let{get:r,set:a}=ht(this.prototype,e)??{get(){return this[t]},set(n){this[t]=n}};return{get:r,set(n){let c=r?.call(this);a?.call(this,n),this.requestUpdate(e,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(e){return this.elementProperties.get(e)??ze}static _$Ei(){if(this.hasOwnProperty(I("elementProperties")))return;let e=mt(this);e.finalize(),e.l!==void 0&&(this.l=[...e.l]),this.elementProperties=new Map(e.elementProperties)}static finalize(){if(this.hasOwnProperty(I("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(I("properties"))){let t=this.properties,s=[...pt(t),...ut(t)];for(let r of s)this.createProperty(r,t[r])}let e=this[Symbol.metadata];if(e!==null){let t=litPropertyMetadata.get(e);if(t!==void 0)for(let[s,r]of t)this.elementProperties.set(s,r)}this._$Eh=new Map;for(let[t,s]of this.elementProperties){let r=this._$Eu(t,s);r!==void 0&&this._$Eh.set(r,t)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(e){let t=[];if(Array.isArray(e)){let s=new Set(e.flat(1/0).reverse());for(let r of s)t.unshift(ae(r))}else e!==void 0&&t.push(ae(e));return t}static _$Eu(e,t){let s=t.attribute;return s===!1?void 0:typeof s=="string"?s:typeof e=="string"?e.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(e=>this.enableUpdating=e),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(e=>e(this))}addController(e){(this._$EO??=new Set).add(e),this.renderRoot!==void 0&&this.isConnected&&e.hostConnected?.()}removeController(e){this._$EO?.delete(e)}_$E_(){let e=new Map,t=this.constructor.elementProperties;for(let s of t.keys())this.hasOwnProperty(s)&&(e.set(s,this[s]),delete this[s]);e.size>0&&(this._$Ep=e)}createRenderRoot(){let e=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return Ee(e,this.constructor.elementStyles),e}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(e=>e.hostConnected?.())}enableUpdating(e){}disconnectedCallback(){this._$EO?.forEach(e=>e.hostDisconnected?.())}attributeChangedCallback(e,t,s){this._$AK(e,s)}_$ET(e,t){let s=this.constructor.elementProperties.get(e),r=this.constructor._$Eu(e,s);if(r!==void 0&&s.reflect===!0){let a=(s.converter?.toAttribute!==void 0?s.converter:oe).toAttribute(t,s.type);this._$Em=e,a==null?this.removeAttribute(r):this.setAttribute(r,a),this._$Em=null}}_$AK(e,t){let s=this.constructor,r=s._$Eh.get(e);if(r!==void 0&&this._$Em!==r){let a=s.getPropertyOptions(r),n=typeof a.converter=="function"?{fromAttribute:a.converter}:a.converter?.fromAttribute!==void 0?a.converter:oe;this._$Em=r;let c=n.fromAttribute(t,a.type);this[r]=c??this._$Ej?.get(r)??c,this._$Em=null}}requestUpdate(e,t,s,r=!1,a){if(e!==void 0){let n=this.constructor;if(r===!1&&(a=this[e]),s??=n.getPropertyOptions(e),!((s.hasChanged??Ce)(a,t)||s.useDefault&&s.reflect&&a===this._$Ej?.get(e)&&!this.hasAttribute(n._$Eu(e,s))))return;this.C(e,t,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(e,t,{useDefault:s,reflect:r,wrapped:a},n){s&&!(this._$Ej??=new Map).has(e)&&(this._$Ej.set(e,n??t??this[e]),a!==!0||n!==void 0)||(this._$AL.has(e)||(this.hasUpdated||s||(t=void 0),this._$AL.set(e,t)),r===!0&&this._$Em!==e&&(this._$Eq??=new Set).add(e))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(t){Promise.reject(t)}let e=this.scheduleUpdate();return e!=null&&await e,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[r,a]of this._$Ep)this[r]=a;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[r,a]of s){let{wrapped:n}=a,c=this[r];n!==!0||this._$AL.has(r)||c===void 0||this.C(r,void 0,a,c)}}let e=!1,t=this._$AL;try{e=this.shouldUpdate(t),e?(this.willUpdate(t),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(t)):this._$EM()}catch(s){throw e=!1,this._$EM(),s}e&&this._$AE(t)}willUpdate(e){}_$AE(e){this._$EO?.forEach(t=>t.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(e)),this.updated(e)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(e){return!0}update(e){this._$Eq&&=this._$Eq.forEach(t=>this._$ET(t,this[t])),this._$EM()}updated(e){}firstUpdated(e){}};w.elementStyles=[],w.shadowRootOptions={mode:"open"},w[I("elementProperties")]=new Map,w[I("finalized")]=new Map,gt?.({ReactiveElement:w}),(X.reactiveElementVersions??=[]).push("2.1.2");var ue=globalThis,Ne=i=>i,Q=ue.trustedTypes,Re=Q?Q.createPolicy("lit-html",{createHTML:i=>i}):void 0,Ue="$lit$",A=`lit$${Math.random().toFixed(9).slice(2)}$`,Oe="?"+A,_t=`<${Oe}>`,z=document,O=()=>z.createComment(""),H=i=>i===null||typeof i!="object"&&typeof i!="function",me=Array.isArray,bt=i=>me(i)||typeof i?.[Symbol.iterator]=="function",ne=`[ 	
\f\r]`,U=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Pe=/-->/g,Me=/>/g,E=RegExp(`>|${ne}(?:([^\\s"'>=/]+)(${ne}*=${ne}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Te=/'/g,Le=/"/g,He=/^(?:script|style|textarea|title)$/i,fe=i=>(e,...t)=>({_$litType$:i,strings:e,values:t}),o=fe(1),N=fe(2),Tt=fe(3),C=Symbol.for("lit-noChange"),l=Symbol.for("lit-nothing"),Ie=new WeakMap,S=z.createTreeWalker(z,129);function De(i,e){if(!me(i)||!i.hasOwnProperty("raw"))throw Error("invalid template strings array");return Re!==void 0?Re.createHTML(e):e}var vt=(i,e)=>{let t=i.length-1,s=[],r,a=e===2?"<svg>":e===3?"<math>":"",n=U;for(let c=0;c<t;c++){let d=i[c],p,u,h=-1,b=0;for(;b<d.length&&(n.lastIndex=b,u=n.exec(d),u!==null);)b=n.lastIndex,n===U?u[1]==="!--"?n=Pe:u[1]!==void 0?n=Me:u[2]!==void 0?(He.test(u[2])&&(r=RegExp("</"+u[2],"g")),n=E):u[3]!==void 0&&(n=E):n===E?u[0]===">"?(n=r??U,h=-1):u[1]===void 0?h=-2:(h=n.lastIndex-u[2].length,p=u[1],n=u[3]===void 0?E:u[3]==='"'?Le:Te):n===Le||n===Te?n=E:n===Pe||n===Me?n=U:(n=E,r=void 0);let k=n===E&&i[c+1].startsWith("/>")?" ":"";a+=n===U?d+_t:h>=0?(s.push(p),d.slice(0,h)+Ue+d.slice(h)+A+k):d+A+(h===-2?c:k)}return[De(i,a+(i[t]||"<?>")+(e===2?"</svg>":e===3?"</math>":"")),s]},D=class i{constructor({strings:e,_$litType$:t},s){let r;this.parts=[];let a=0,n=0,c=e.length-1,d=this.parts,[p,u]=vt(e,t);if(this.el=i.createElement(p,s),S.currentNode=this.el.content,t===2||t===3){let h=this.el.content.firstChild;h.replaceWith(...h.childNodes)}for(;(r=S.nextNode())!==null&&d.length<c;){if(r.nodeType===1){if(r.hasAttributes())for(let h of r.getAttributeNames())if(h.endsWith(Ue)){let b=u[n++],k=r.getAttribute(h).split(A),W=/([.?@])?(.*)/.exec(b);d.push({type:1,index:a,name:W[2],strings:k,ctor:W[1]==="."?de:W[1]==="?"?ce:W[1]==="@"?he:P}),r.removeAttribute(h)}else h.startsWith(A)&&(d.push({type:6,index:a}),r.removeAttribute(h));if(He.test(r.tagName)){let h=r.textContent.split(A),b=h.length-1;if(b>0){r.textContent=Q?Q.emptyScript:"";for(let k=0;k<b;k++)r.append(h[k],O()),S.nextNode(),d.push({type:2,index:++a});r.append(h[b],O())}}}else if(r.nodeType===8)if(r.data===Oe)d.push({type:2,index:a});else{let h=-1;for(;(h=r.data.indexOf(A,h+1))!==-1;)d.push({type:7,index:a}),h+=A.length-1}a++}}static createElement(e,t){let s=z.createElement("template");return s.innerHTML=e,s}};function R(i,e,t=i,s){if(e===C)return e;let r=s!==void 0?t._$Co?.[s]:t._$Cl,a=H(e)?void 0:e._$litDirective$;return r?.constructor!==a&&(r?._$AO?.(!1),a===void 0?r=void 0:(r=new a(i),r._$AT(i,t,s)),s!==void 0?(t._$Co??=[])[s]=r:t._$Cl=r),r!==void 0&&(e=R(i,r._$AS(i,e.values),r,s)),e}var le=class{constructor(e,t){this._$AV=[],this._$AN=void 0,this._$AD=e,this._$AM=t}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(e){let{el:{content:t},parts:s}=this._$AD,r=(e?.creationScope??z).importNode(t,!0);S.currentNode=r;let a=S.nextNode(),n=0,c=0,d=s[0];for(;d!==void 0;){if(n===d.index){let p;d.type===2?p=new F(a,a.nextSibling,this,e):d.type===1?p=new d.ctor(a,d.name,d.strings,this,e):d.type===6&&(p=new pe(a,this,e)),this._$AV.push(p),d=s[++c]}n!==d?.index&&(a=S.nextNode(),n++)}return S.currentNode=z,r}p(e){let t=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(e,s,t),t+=s.strings.length-2):s._$AI(e[t])),t++}},F=class i{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(e,t,s,r){this.type=2,this._$AH=l,this._$AN=void 0,this._$AA=e,this._$AB=t,this._$AM=s,this.options=r,this._$Cv=r?.isConnected??!0}get parentNode(){let e=this._$AA.parentNode,t=this._$AM;return t!==void 0&&e?.nodeType===11&&(e=t.parentNode),e}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(e,t=this){e=R(this,e,t),H(e)?e===l||e==null||e===""?(this._$AH!==l&&this._$AR(),this._$AH=l):e!==this._$AH&&e!==C&&this._(e):e._$litType$!==void 0?this.$(e):e.nodeType!==void 0?this.T(e):bt(e)?this.k(e):this._(e)}O(e){return this._$AA.parentNode.insertBefore(e,this._$AB)}T(e){this._$AH!==e&&(this._$AR(),this._$AH=this.O(e))}_(e){this._$AH!==l&&H(this._$AH)?this._$AA.nextSibling.data=e:this.T(z.createTextNode(e)),this._$AH=e}$(e){let{values:t,_$litType$:s}=e,r=typeof s=="number"?this._$AC(e):(s.el===void 0&&(s.el=D.createElement(De(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===r)this._$AH.p(t);else{let a=new le(r,this),n=a.u(this.options);a.p(t),this.T(n),this._$AH=a}}_$AC(e){let t=Ie.get(e.strings);return t===void 0&&Ie.set(e.strings,t=new D(e)),t}k(e){me(this._$AH)||(this._$AH=[],this._$AR());let t=this._$AH,s,r=0;for(let a of e)r===t.length?t.push(s=new i(this.O(O()),this.O(O()),this,this.options)):s=t[r],s._$AI(a),r++;r<t.length&&(this._$AR(s&&s._$AB.nextSibling,r),t.length=r)}_$AR(e=this._$AA.nextSibling,t){for(this._$AP?.(!1,!0,t);e!==this._$AB;){let s=Ne(e).nextSibling;Ne(e).remove(),e=s}}setConnected(e){this._$AM===void 0&&(this._$Cv=e,this._$AP?.(e))}},P=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(e,t,s,r,a){this.type=1,this._$AH=l,this._$AN=void 0,this.element=e,this.name=t,this._$AM=r,this.options=a,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=l}_$AI(e,t=this,s,r){let a=this.strings,n=!1;if(a===void 0)e=R(this,e,t,0),n=!H(e)||e!==this._$AH&&e!==C,n&&(this._$AH=e);else{let c=e,d,p;for(e=a[0],d=0;d<a.length-1;d++)p=R(this,c[s+d],t,d),p===C&&(p=this._$AH[d]),n||=!H(p)||p!==this._$AH[d],p===l?e=l:e!==l&&(e+=(p??"")+a[d+1]),this._$AH[d]=p}n&&!r&&this.j(e)}j(e){e===l?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,e??"")}},de=class extends P{constructor(){super(...arguments),this.type=3}j(e){this.element[this.name]=e===l?void 0:e}},ce=class extends P{constructor(){super(...arguments),this.type=4}j(e){this.element.toggleAttribute(this.name,!!e&&e!==l)}},he=class extends P{constructor(e,t,s,r,a){super(e,t,s,r,a),this.type=5}_$AI(e,t=this){if((e=R(this,e,t,0)??l)===C)return;let s=this._$AH,r=e===l&&s!==l||e.capture!==s.capture||e.once!==s.once||e.passive!==s.passive,a=e!==l&&(s===l||r);r&&this.element.removeEventListener(this.name,this,s),a&&this.element.addEventListener(this.name,this,e),this._$AH=e}handleEvent(e){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,e):this._$AH.handleEvent(e)}},pe=class{constructor(e,t,s){this.element=e,this.type=6,this._$AN=void 0,this._$AM=t,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(e){R(this,e)}};var $t=ue.litHtmlPolyfillSupport;$t?.(D,F),(ue.litHtmlVersions??=[]).push("3.3.3");var Fe=(i,e,t)=>{let s=t?.renderBefore??e,r=s._$litPart$;if(r===void 0){let a=t?.renderBefore??null;s._$litPart$=r=new F(e.insertBefore(O(),a),a,void 0,t??{})}return r._$AI(i),r};var ge=globalThis,f=class extends w{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let e=super.createRenderRoot();return this.renderOptions.renderBefore??=e.firstChild,e}update(e){let t=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(e),this._$Do=Fe(t,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return C}};f._$litElement$=!0,f.finalized=!0,ge.litElementHydrateSupport?.({LitElement:f});var xt=ge.litElementPolyfillSupport;xt?.({LitElement:f});(ge.litElementVersions??=[]).push("4.2.2");async function v(i,e,t={}){if(!i)throw new Error("Home Assistant is not connected yet");let s={type:e,...t};try{return i.connection&&typeof i.connection.sendMessagePromise=="function"?await i.connection.sendMessagePromise(s):await i.callWS(s)}catch(r){let a=new Error(g(r));throw a.code=r&&typeof r=="object"?r.code:void 0,a}}function g(i){return i==null?"Unknown error":typeof i=="string"?i:i.code==="unauthorized"?"Only administrators can use VLM Guard here.":i.message?String(i.message):i.error?String(i.error):i.code?String(i.code):String(i)}var je=i=>v(i,"vlm_guard/cameras"),G=(i,e)=>v(i,"vlm_guard/frame",{camera:e}),Be=(i,e,t)=>v(i,"vlm_guard/zones/preview",{camera:e,zones:t}),qe=(i,e,t)=>v(i,"vlm_guard/zones/save",{camera:e,zones:t}),Ze=(i,e)=>v(i,"vlm_guard/incidents/list",e),Ve=(i,e)=>v(i,"vlm_guard/incidents/get",{incident_id:e}),Ke=(i,e)=>v(i,"vlm_guard/incidents/propose_rule",{incident_id:e}),We=(i,e)=>v(i,"vlm_guard/incidents/review",e),Ye=(i,e)=>v(i,"vlm_guard/suppressions/list",e?{camera:e}:{}),Je=(i,e)=>v(i,"vlm_guard/suppressions/update",e),Xe=(i,e)=>v(i,"vlm_guard/suppressions/remove",{rule_id:e}),Qe=(i,e)=>v(i,"vlm_guard/suppressions/accept",e?{rule_ids:e}:{});var x=i=>String(i).padStart(2,"0");function _e(i){return i&&(i.locale&&i.locale.language||i.language)||void 0}function ve(i){if(!i)return null;let e=i instanceof Date?i:new Date(i);return Number.isNaN(e.getTime())?null:e}function y(i,e,t=new Date){let s=ve(e);if(!s)return"";let r=s.toLocaleTimeString(_e(i),{hour:"2-digit",minute:"2-digit"});return s.toDateString()===t.toDateString()?r:`${s.toLocaleDateString(_e(i),{weekday:"short",day:"numeric",month:"short"})}, ${r}`}function M(i,e){let t=ve(e);return t?t.toLocaleString(_e(i),{year:"numeric",month:"short",day:"numeric",hour:"2-digit",minute:"2-digit",second:"2-digit"}):""}function be(i){let e=-i.getTimezoneOffset(),t=e>=0?"+":"-",s=Math.abs(e);return`${i.getFullYear()}-${x(i.getMonth()+1)}-${x(i.getDate())}T${x(i.getHours())}:${x(i.getMinutes())}:${x(i.getSeconds())}${t}${x(Math.floor(s/60))}:${x(s%60)}`}function Ge(i){let e=/^(\d{4})-(\d{2})-(\d{2})$/.exec(i||"");if(!e)return null;let t=new Date(Number(e[1]),Number(e[2])-1,Number(e[3])),s=new Date(t.getFullYear(),t.getMonth(),t.getDate()+1);return{since:be(t),until:be(s)}}function ee(i){if(!i)return null;let e=new Date(i);return Number.isNaN(e.getTime())?null:be(e)}function $e(i){let e=ve(i);return e?`${e.getFullYear()}-${x(e.getMonth()+1)}-${x(e.getDate())}T${x(e.getHours())}:${x(e.getMinutes())}`:""}function te(i){return String(i||"").split(/[\s,;]+/).map(e=>e.trim()).filter(Boolean)}function se(i){if(!Array.isArray(i)||i.length!==4)return"whole picture";let[e,t,s,r]=i.map(a=>Math.round(Number(a)*100));return`${e}\u2013${s} % across, ${t}\u2013${r} % down`}var et={new:"New",real:"Real",false_alarm:"False alarm",acknowledged:"Acknowledged",suppressed:"Suppressed"},tt={REAL:"Review: real",FALSE_POSITIVE:"Review: false positive",NOISE:"Review: noise"};function T(i){let e=i&&i.urls||{};return e.best||e.first||e.crop||null}var $=_`
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
`;var yt=1e4;function wt(i,e,t=new Date){if(!e.armed)return{text:"Disarmed",kind:""};let s=e.snoozed_until?new Date(e.snoozed_until):null;return s&&s>t?{text:`Snoozed until ${y(i,s,t)}`,kind:""}:{text:"Armed",kind:"ok"}}var j=class extends f{constructor(){super(),this.cameras=[],this._frames={},this._timer=void 0,this._busy=!1,this._onVisibility=()=>{document.visibilityState==="visible"&&this._tick()}}connectedCallback(){super.connectedCallback(),this._timer=setInterval(()=>this._tick(),yt),document.addEventListener("visibilitychange",this._onVisibility)}disconnectedCallback(){super.disconnectedCallback(),clearInterval(this._timer),this._timer=void 0,document.removeEventListener("visibilitychange",this._onVisibility)}firstUpdated(){this._loadFrames()}updated(e){e.has("cameras")&&this.cameras.some(t=>!(t.id in this._frames))&&this._loadFrames()}_tick(){document.visibilityState!=="visible"||!this.isConnected||(this.dispatchEvent(new CustomEvent("refresh-cameras",{bubbles:!0,composed:!0})),this._loadFrames())}async _loadFrames(){if(!(this._busy||!this.hass)){this._busy=!0;try{for(let e of this.cameras||[]){let t;try{t={image:(await G(this.hass,e.id)).image,time:new Date,error:null}}catch(s){let r=this._frames[e.id]||{};t={image:r.image||null,time:r.time,error:g(s)}}this._frames={...this._frames,[e.id]:t}}}finally{this._busy=!1}}}_open(e,t){this.dispatchEvent(new CustomEvent(e,{detail:{camera:t.id},bubbles:!0,composed:!0}))}render(){let e=this.cameras||[];return e.length?o`<div class="grid">${e.map(t=>this._renderCamera(t))}</div>`:o`<div class="empty">No cameras yet. Add one to VLM Guard in Settings → Devices &amp; services.</div>`}_renderPicture(e){let t=this._frames[e.id];if(t&&t.image)return o`<div class="picture">
        <img src=${t.image} alt="Current picture of ${e.name}" />
        ${t.error?o`<span class="stale" title=${t.error}>Picture from ${y(this.hass,t.time)}</span>`:l}
      </div>`;let s=t?t.error||"No picture yet":"Loading picture\u2026";return o`<div class="picture none"><span>${s}</span></div>`}_renderCamera(e){let t=wt(this.hass,e),s=e.last_incident,r=s?T(s):null;return o`<div class="card camera" data-testid="camera-card" data-camera-id=${e.id}>
      ${this._renderPicture(e)}
      <div class="body">
        <div class="title-row">
          <h2>${e.name}</h2>
          <span class="badge ${t.kind}">${t.text}</span>
          ${e.alert_on?o`<span class="badge alert">Alert</span>`:l}
        </div>
        <div class="health">
          <span class="dot ${e.stream_connected?"up":"down"}"></span>
          ${e.stream_connected?"Stream connected":"Stream disconnected"}
        </div>
        ${e.problem?o`<div class="error problem">${e.problem}</div>`:l}
        <div class="last">
          ${s?o`${r?o`<img class="thumb" src=${r} alt="" loading="lazy" />`:o`<div class="thumb none">No picture</div>`}
                <div class="last-text">
                  <div class="secondary">Last incident · ${y(this.hass,s.started)}</div>
                  <div class="description">${s.description||"(no description)"}</div>
                </div>`:o`<div class="secondary">No incident kept yet</div>`}
        </div>
        <div class="row actions">
          <button data-testid="open-zones" @click=${()=>this._open("open-zones",e)}>
            Zones
          </button>
          <button class="plain" @click=${()=>this._open("open-incidents",e)}>
            Incidents
          </button>
        </div>
      </div>
    </div>`}};m(j,"properties",{hass:{attribute:!1},cameras:{attribute:!1},_frames:{state:!0}}),m(j,"styles",[$,_`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 320px), 1fr));
        gap: 16px;
      }
      .camera {
        display: flex;
        flex-direction: column;
      }
      .picture {
        position: relative;
        aspect-ratio: 16 / 9;
        background: #000;
      }
      .picture img {
        width: 100%;
        height: 100%;
        object-fit: contain;
        display: block;
      }
      .picture.none {
        display: flex;
        align-items: center;
        justify-content: center;
        padding: 16px;
        text-align: center;
        background: var(--secondary-background-color, #e5e5e5);
        color: var(--secondary-text-color, #727272);
      }
      .stale {
        position: absolute;
        left: 8px;
        bottom: 8px;
        font-size: 12px;
        padding: 2px 6px;
        border-radius: 4px;
        background: rgba(0, 0, 0, 0.6);
        color: #fff;
      }
      .body {
        padding: 12px 16px 16px;
        display: flex;
        flex-direction: column;
        gap: 8px;
        flex: 1;
      }
      .title-row {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
      }
      h2 {
        font-size: 18px;
        font-weight: 500;
        margin: 0;
        margin-right: auto;
      }
      .health {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .dot {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--error-color, #db4437);
      }
      .dot.up {
        background: var(--success-color, #43a047);
      }
      .last {
        display: flex;
        gap: 10px;
        align-items: flex-start;
        min-height: 54px;
      }
      .last-text {
        min-width: 0;
      }
      .description {
        overflow-wrap: anywhere;
      }
      .actions {
        margin-top: auto;
        padding-top: 4px;
      }
    `]);customElements.get("vlm-guard-cameras")||customElements.define("vlm-guard-cameras",j);function ie(i){let e=[];return i.status&&e.push(o`<span class="badge ${i.status}">${et[i.status]||i.status}</span>`),i.review_label&&e.push(o`<span class="badge ${i.review_label}" title=${i.review_reason||""}
        >${tt[i.review_label]||i.review_label}</span
      >`),i.ended||e.push(o`<span class="badge alert">Ongoing</span>`),i.alerts>0&&!i.verified&&e.push(o`<span class="badge" title="Raised while the VLM could not be asked">Not verified</span>`),e}var st=[["first","First picture"],["best","Best picture"],["crop","What the VLM was shown"]],kt={false_alarm:"Marked as a false alarm.",real:"Marked as real.",acknowledged:"Acknowledged."},B=class extends f{constructor(){super(),this.incident=null,this._error=null,this._form=null,this._busy=!1}firstUpdated(){this._load()}async _load(){try{let e=await Ve(this.hass,this.incidentId);this.incident=e.incident}catch(e){this._error=g(e)}}_close(){this.dispatchEvent(new CustomEvent("close-incident",{bubbles:!0,composed:!0}))}async _openForm(){this._error=null,this._form={suppress:!0,keywords:"",region:null,useRegion:!1,expires:"",note:"",loading:!0,problem:null};try{let e=await Ke(this.hass,this.incidentId),t=Array.isArray(e.region)&&e.region.length===4?e.region:null;this._form={...this._form,keywords:(e.keywords||[]).join(" "),region:t,useRegion:t!==null,loading:!1}}catch(e){this._form={...this._form,loading:!1,problem:g(e)}}}_set(e,t){this._form={...this._form,[e]:t}}async _review(e){let t={incident_id:this.incidentId,status:e},s=e==="false_alarm"?this._form:null;if(s&&(s.note.trim()&&(t.note=s.note.trim()),t.suppress=s.suppress,s.suppress)){let r=te(s.keywords);r.length&&(t.keywords=r),t.region=s.useRegion?s.region:null;let a=ee(s.expires);a&&(t.expires=a)}this._busy=!0,this._error=null;try{let r=await We(this.hass,t),a=kt[e]||"Saved.";r&&r.rule&&(a+=" A suppression rule now keeps it quiet."),this.dispatchEvent(new CustomEvent("incident-reviewed",{detail:{incident:r&&r.incident,rule:r&&r.rule,message:a},bubbles:!0,composed:!0}))}catch(r){this._error=g(r)}finally{this._busy=!1}}render(){let e=this.incident;return o`
      <div class="header">
        <button class="plain" @click=${this._close}>← Incidents</button>
        ${e?o`<h2>${e.camera_name||this.cameraName&&this.cameraName(e.camera)}</h2>
              <span class="secondary">${M(this.hass,e.started)}</span>`:o`<h2>Incident</h2>`}
      </div>
      ${this._error?o`<div class="message error">${this._error}</div>`:l}
      ${e?this._renderIncident(e):this._error?l:o`<div class="empty">Loading…</div>`}
    `}_renderIncident(e){let t=e.urls||{},r=(e.details||{}).verdicts||[];return o`
      <div class="card section">
        <div class="description">${e.description||"(no description)"}</div>
        <div class="row badges">${ie(e)}</div>
        <div class="facts secondary">
          <span>Started ${M(this.hass,e.started)}</span>
          <span>${e.ended?`Ended ${M(this.hass,e.ended)}`:"Still going on"}</span>
          <span>${e.alerts} alert${e.alerts===1?"":"s"}, ${e.verified} confirmed by the VLM</span>
          ${e.reviewed?o`<span>Reviewed ${M(this.hass,e.reviewed)}</span>`:l}
          ${e.suppressed_by?o`<span>Suppressed by rule ${e.suppressed_by}</span>`:l}
        </div>
        ${e.note?o`<div><b>Note:</b> ${e.note}</div>`:l}
        ${e.review_label?o`<div class="daily">
              <b>Daily review:</b> ${e.review_label}${e.review_reason?` \u2014 ${e.review_reason}`:""}
            </div>`:l}
        ${this._renderActions(e)}
      </div>

      <div class="pictures">
        ${st.filter(([a])=>t[a]).map(([a,n])=>o`<figure>
            <a href=${t[a]} target="_blank" rel="noopener"><img src=${t[a]} alt=${n} loading="lazy" /></a>
            <figcaption class="secondary">${n}</figcaption>
          </figure>`)}
        ${st.some(([a])=>t[a])?l:o`<div class="secondary">No pictures kept.</div>`}
      </div>

      ${t.clip?o`<div class="card section">
            <h3>Clip</h3>
            <video controls preload="metadata" playsinline src=${t.clip}></video>
          </div>`:l}
      ${t.audio||e.transcript?o`<div class="card section">
            <h3>Sound</h3>
            ${t.audio?o`<audio controls preload="none" src=${t.audio}></audio>`:l}
            ${e.transcript?o`<blockquote>${e.transcript}</blockquote>`:l}
          </div>`:l}
      ${r.length?o`<div class="card section">
            <h3>Verdicts (${r.length})</h3>
            ${r.map(a=>this._renderVerdict(a))}
          </div>`:l}
    `}_renderActions(e){return o`
      <div class="row actions">
        <button class="danger" data-testid="btn-false-alarm" ?disabled=${this._busy} @click=${this._openForm}>
          False alarm
        </button>
        <button data-testid="btn-real" ?disabled=${this._busy} @click=${()=>this._review("real")}>Real</button>
        <button data-testid="btn-acknowledge" ?disabled=${this._busy} @click=${()=>this._review("acknowledged")}>
          Acknowledge
        </button>
      </div>
      ${this._form?this._renderForm(e):l}
    `}_renderForm(e){let t=this._form,s=T(e),r=t.region;return o`<div class="form">
      <h3>False alarm</h3>
      ${t.loading?o`<div class="secondary">Proposing a rule…</div>`:l}
      ${t.problem?o`<div class="message error">No rule proposed: ${t.problem}</div>`:l}
      <label class="check">
        <input
          type="checkbox"
          data-testid="rule-suppress"
          .checked=${t.suppress}
          @change=${a=>this._set("suppress",a.target.checked)}
        />
        Suppress from now on
      </label>
      <div class="rule-fields ${t.suppress?"":"off"}">
        <label class="field">
          Keywords (every one must be in the description)
          <input
            data-testid="rule-keywords"
            .value=${t.keywords}
            ?disabled=${!t.suppress}
            placeholder="smoke barbecue"
            @input=${a=>this._set("keywords",a.target.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            data-testid="rule-use-region"
            .checked=${t.useRegion}
            ?disabled=${!t.suppress||!r}
            @change=${a=>this._set("useRegion",a.target.checked)}
          />
          Only this part of the picture
          <span class="secondary">(${r?se(r):"no region known"})</span>
        </label>
        ${r&&s?o`<div class="region-picture ${t.useRegion?"":"whole"}">
              <img src=${s} alt="" />
              <div
                class="region"
                style="left:${r[0]*100}%;top:${r[1]*100}%;width:${(r[2]-r[0])*100}%;height:${(r[3]-r[1])*100}%"
              ></div>
            </div>`:l}
        <label class="field">
          Expires (optional)
          <input
            type="datetime-local"
            .value=${t.expires}
            ?disabled=${!t.suppress}
            @change=${a=>this._set("expires",a.target.value)}
          />
        </label>
      </div>
      <label class="field">
        Note
        <input
          data-testid="rule-note"
          .value=${t.note}
          placeholder="our barbecue"
          @input=${a=>this._set("note",a.target.value)}
        />
      </label>
      <div class="row">
        <button class="primary" data-testid="rule-submit" ?disabled=${this._busy} @click=${()=>this._review("false_alarm")}>
          Mark as false alarm
        </button>
        <button class="plain" @click=${()=>this._form=null}>Cancel</button>
      </div>
    </div>`}_renderVerdict(e){return o`<div class="verdict">
      <div class="row">
        <span class="time">${M(this.hass,e.time)}</span>
        ${e.alert===!0?o`<span class="badge alert">ALERT</span>`:l}
        ${e.alert===!1?o`<span class="badge">no alert</span>`:l}
        ${e.rule?o`<span class="badge" title="The rule of the verdict parser that decided">${e.rule}</span>`:l}
        ${e.reason?o`<span class="secondary">${e.reason}</span>`:l}
      </div>
      <div class="description">${e.description||"(no description)"}</div>
      <div class="secondary small">
        ${e.model||""}${typeof e.latency=="number"?` \xB7 ${e.latency.toFixed(2)} s`:""}
      </div>
      ${e.raw_answer?o`<details>
            <summary>Raw answer</summary>
            <pre>${e.raw_answer}</pre>
          </details>`:l}
    </div>`}};m(B,"properties",{hass:{attribute:!1},incidentId:{attribute:!1},incident:{attribute:!1},cameraName:{attribute:!1},_error:{state:!0},_form:{state:!0},_busy:{state:!0}}),m(B,"styles",[$,_`
      :host {
        display: block;
      }
      .header {
        display: flex;
        align-items: baseline;
        gap: 8px 12px;
        flex-wrap: wrap;
        margin-bottom: 12px;
      }
      h2 {
        font-size: 20px;
        font-weight: 500;
        margin: 0;
      }
      h3 {
        font-size: 16px;
        font-weight: 500;
        margin: 0 0 8px;
      }
      .section {
        padding: 12px 16px;
        margin-bottom: 12px;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .description {
        font-size: 16px;
        overflow-wrap: anywhere;
      }
      .badges {
        gap: 4px;
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
      }
      .actions {
        margin-top: 4px;
      }
      .pictures {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 260px), 1fr));
        gap: 12px;
        margin-bottom: 12px;
      }
      figure {
        margin: 0;
      }
      figure img {
        width: 100%;
        height: 200px;
        object-fit: contain;
        border-radius: 8px;
        display: block;
        background: #000;
      }
      figcaption {
        margin-top: 4px;
        font-size: 12px;
      }
      video,
      audio {
        width: 100%;
        max-width: 720px;
      }
      video {
        border-radius: 8px;
        background: #000;
      }
      blockquote {
        margin: 0;
        padding: 4px 12px;
        border-left: 3px solid var(--divider-color, #ccc);
        font-style: italic;
      }
      .verdict {
        padding: 8px 0;
        border-top: 1px solid var(--divider-color, #e0e0e0);
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .verdict:first-of-type {
        border-top: none;
      }
      .small {
        font-size: 12px;
      }
      pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 12px;
        background: var(--secondary-background-color, #f5f5f5);
        padding: 8px;
        border-radius: 6px;
        margin: 4px 0 0;
        max-height: 320px;
        overflow: auto;
      }
      summary {
        cursor: pointer;
        color: var(--primary-color, #03a9f4);
      }
      .form {
        border: 1px solid var(--divider-color, #e0e0e0);
        border-radius: 8px;
        padding: 12px;
        display: flex;
        flex-direction: column;
        gap: 10px;
        max-width: 560px;
      }
      .form h3 {
        margin: 0;
      }
      .rule-fields {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding-left: 26px;
      }
      .rule-fields.off {
        opacity: 0.5;
      }
      .region-picture {
        position: relative;
        max-width: 320px;
      }
      .region-picture img {
        width: 100%;
        display: block;
        border-radius: 6px;
      }
      .region {
        position: absolute;
        border: 2px solid #ffd600;
        background: rgba(255, 214, 0, 0.2);
        box-shadow: 0 0 0 9999px rgba(0, 0, 0, 0.35);
      }
      .region-picture {
        overflow: hidden;
        border-radius: 6px;
      }
      .region-picture.whole .region {
        box-shadow: none;
        border-style: dashed;
        background: none;
      }
    `]);customElements.get("vlm-guard-incident-detail")||customElements.define("vlm-guard-incident-detail",B);var At=50,xe=[{key:"needs",label:"Needs review",filters:{statuses:["new"]}},{key:"flagged",label:"Flagged by the daily review",filters:{statuses:["new"],labels:["FALSE_POSITIVE","NOISE"]}},{key:"suppressed",label:"Suppressed",filters:{statuses:["suppressed"]}},{key:"acknowledged",label:"Acknowledged",filters:{statuses:["acknowledged"]}},{key:"all",label:"All",filters:{}}],q=class extends f{constructor(){super(),this.cameras=[],this._tab="needs",this._camera="",this._day="",this._incidents=[],this._total=0,this._loading=!1,this._error=null,this._open=null,this._notice=null,this._request=0}showCamera(e){this._camera=e||"",this._tab="all",this._open=null,this._load()}openIncident(e){this._open={id:e}}firstUpdated(){this._load()}_filters(e){let s={...(xe.find(a=>a.key===this._tab)||xe[0]).filters,limit:At,offset:e};this._camera&&(s.camera=this._camera);let r=Ge(this._day);return r&&Object.assign(s,r),s}async _load(e=!1){let t=++this._request,s=e?this._incidents.length:0;this._loading=!0,this._error=null;try{let r=await Ze(this.hass,this._filters(s));if(t!==this._request)return;let a=r&&r.incidents||[];this._incidents=e?[...this._incidents,...a]:a,this._total=r&&r.total||0}catch(r){if(t!==this._request)return;this._error=g(r),e||(this._incidents=[])}finally{t===this._request&&(this._loading=!1)}}_setTab(e){this._tab=e,this._notice=null,this._load()}_cameraName(e){let t=(this.cameras||[]).find(s=>s.id===e);return t?t.name:e}_onReviewed(e){this._open=null,this._notice=e.detail.message,this._load()}render(){return this._open?o`<vlm-guard-incident-detail
        .hass=${this.hass}
        .incidentId=${this._open.id}
        .incident=${this._open.incident||null}
        .cameraName=${e=>this._cameraName(e)}
        @close-incident=${()=>this._open=null}
        @incident-reviewed=${this._onReviewed}
      ></vlm-guard-incident-detail>`:o`
      <div class="tabs" role="tablist">
        ${xe.map(e=>o`<button
            role="tab"
            class="tab ${e.key===this._tab?"active":""}"
            aria-selected=${e.key===this._tab?"true":"false"}
            data-testid="review-tab-${e.key}"
            @click=${()=>this._setTab(e.key)}
          >
            ${e.label}
          </button>`)}
      </div>
      <div class="row filters">
        <label class="field">
          Camera
          <select
            .value=${this._camera}
            @change=${e=>{this._camera=e.target.value,this._load()}}
          >
            <option value="" ?selected=${!this._camera}>All cameras</option>
            ${(this.cameras||[]).map(e=>o`<option value=${e.id} ?selected=${e.id===this._camera}>${e.name}</option>`)}
          </select>
        </label>
        <label class="field">
          Day
          <input
            type="date"
            .value=${this._day}
            @change=${e=>{this._day=e.target.value,this._load()}}
          />
        </label>
        ${this._day?o`<button
              class="plain"
              @click=${()=>{this._day="",this._load()}}
            >
              Any day
            </button>`:l}
        <span class="count secondary">
          ${this._loading?"Loading\u2026":`${this._total} incident${this._total===1?"":"s"}`}
        </span>
        <button class="plain" @click=${()=>this._load()}>Refresh</button>
      </div>
      ${this._notice?o`<div class="message ok">${this._notice}</div>`:l}
      ${this._error?o`<div class="message error">${this._error}</div>`:l}
      <div class="card list">
        ${this._incidents.length?this._incidents.map(e=>this._renderRow(e)):o`<div class="empty">${this._loading?"Loading\u2026":"Nothing here."}</div>`}
      </div>
      ${this._incidents.length<this._total?o`<div class="more">
            <button ?disabled=${this._loading} @click=${()=>this._load(!0)}>
              Show more (${this._total-this._incidents.length} left)
            </button>
          </div>`:l}
    `}_renderRow(e){let t=T(e),s=()=>this._open={id:e.id,incident:e};return o`<div
      class="incident"
      data-testid="incident-row"
      data-incident-id=${e.id}
      role="button"
      tabindex="0"
      @click=${s}
      @keydown=${r=>(r.key==="Enter"||r.key===" ")&&s()}
    >
      ${t?o`<img class="thumb" src=${t} alt="" loading="lazy" />`:o`<div class="thumb none">No picture</div>`}
      <div class="text">
        <div class="meta">
          <span class="time">${y(this.hass,e.started)}</span>
          <span class="secondary">${e.camera_name||this._cameraName(e.camera)}</span>
          ${e.alerts>1?o`<span class="secondary">· ${e.alerts} alerts</span>`:l}
        </div>
        <div class="description">${e.description||"(no description)"}</div>
        <div class="row badges">${ie(e)}</div>
      </div>
    </div>`}};m(q,"properties",{hass:{attribute:!1},cameras:{attribute:!1},_tab:{state:!0},_camera:{state:!0},_day:{state:!0},_incidents:{state:!0},_total:{state:!0},_loading:{state:!0},_error:{state:!0},_open:{state:!0},_notice:{state:!0}}),m(q,"styles",[$,_`
      :host {
        display: block;
      }
      .tabs {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        margin-bottom: 12px;
      }
      .tab {
        border-color: var(--divider-color, #ccc);
        color: var(--primary-text-color, #212121);
        min-height: 32px;
        padding: 0 14px;
      }
      .tab.active {
        background: var(--primary-color, #03a9f4);
        border-color: var(--primary-color, #03a9f4);
        color: var(--text-primary-color, #fff);
      }
      .filters {
        margin-bottom: 12px;
        align-items: flex-end;
      }
      .count {
        margin-left: auto;
        align-self: center;
      }
      .incident {
        display: flex;
        gap: 12px;
        padding: 10px 12px;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
        cursor: pointer;
        align-items: flex-start;
      }
      .incident:last-child {
        border-bottom: none;
      }
      .incident:hover,
      .incident:focus-visible {
        background: var(--secondary-background-color, #f5f5f5);
        outline: none;
      }
      .text {
        min-width: 0;
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: baseline;
      }
      .time {
        font-weight: 500;
      }
      .description {
        overflow-wrap: anywhere;
      }
      .badges {
        gap: 4px;
      }
      .more {
        text-align: center;
        margin: 12px 0;
      }
    `]);customElements.get("vlm-guard-review")||customElements.define("vlm-guard-review",q);var Z=class extends f{constructor(){super(),this.cameras=[],this._rules=[],this._camera="",this._loading=!1,this._error=null,this._notice=null,this._editing=null,this._busy=!1}firstUpdated(){this._load()}async _load(){this._loading=!0,this._error=null;try{let e=await Ye(this.hass,this._camera||void 0);this._rules=e&&e.rules||[]}catch(e){this._error=g(e)}finally{this._loading=!1}}async _run(e){this._busy=!0,this._error=null,this._notice=null;try{this._notice=await e(),await this._load()}catch(t){this._error=g(t)}finally{this._busy=!1}}_remove(e){this._editing&&this._editing.id===e.id&&(this._editing=null),this._run(async()=>(await Xe(this.hass,e.id),"Rule removed."))}_accept(e){this._run(async()=>{let t=await Qe(this.hass,e),s=Array.isArray(t&&t.accepted)?t.accepted.length:e.length;return s===1?"Rule accepted: it suppresses from now on.":`${s} rules accepted: they suppress from now on.`})}_edit(e){this._editing={id:e.id,keywords:(e.keywords||[]).join(" "),expires:$e(e.expires),note:e.note||"",initialExpires:$e(e.expires)}}_saveEdit(){let e=this._editing,t={rule_id:e.id,keywords:te(e.keywords),note:e.note};e.expires!==e.initialExpires&&(t.expires=ee(e.expires)),this._run(async()=>(await Je(this.hass,t),this._editing=null,"Rule saved."))}_cameraName(e){let t=(this.cameras||[]).find(s=>s.id===e);return t?t.name:e}_openIncident(e){this.dispatchEvent(new CustomEvent("open-incident",{detail:{incident:e},bubbles:!0,composed:!0}))}render(){let e=this._rules.filter(t=>!t.active);return o`
      <div class="row filters">
        <label class="field">
          Camera
          <select
            .value=${this._camera}
            @change=${t=>{this._camera=t.target.value,this._load()}}
          >
            <option value="" ?selected=${!this._camera}>All cameras</option>
            ${(this.cameras||[]).map(t=>o`<option value=${t.id} ?selected=${t.id===this._camera}>${t.name}</option>`)}
          </select>
        </label>
        <span class="secondary count">
          ${this._loading?"Loading\u2026":`${this._rules.length} rule${this._rules.length===1?"":"s"}, ${e.length} proposed`}
        </span>
        <button
          class="primary"
          data-testid="rules-accept-all"
          ?disabled=${this._busy||!e.length}
          @click=${()=>this._accept(e.map(t=>t.id))}
        >
          Accept all proposed
        </button>
      </div>
      ${this._notice?o`<div class="message ok">${this._notice}</div>`:l}
      ${this._error?o`<div class="message error">${this._error}</div>`:l}
      <div class="card">
        ${this._rules.length?o`<table>
              <thead>
                <tr>
                  <th>Camera</th>
                  <th>Keywords</th>
                  <th>Region</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th class="num">Hits</th>
                  <th>Last hit</th>
                  <th>State</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${this._rules.map(t=>this._renderRule(t))}
              </tbody>
            </table>`:o`<div class="empty">
              ${this._loading?"Loading\u2026":"No suppression rules. Mark an incident as a false alarm in Review to make one."}
            </div>`}
      </div>
    `}_renderRule(e){let t=e.expires&&new Date(e.expires)<=new Date,s=this._editing&&this._editing.id===e.id;return o`<tr data-testid="rule-row" data-rule-id=${e.id} class=${e.active?"":"proposed"}>
        <td data-label="Camera">${this._cameraName(e.camera)}</td>
        <td data-label="Keywords">
          <div>
          <div class="keywords">
            ${(e.keywords||[]).length?e.keywords.map(r=>o`<span class="chip">${r}</span>`):o`<span class="secondary">any description</span>`}
          </div>
          ${e.note?o`<div class="secondary note">${e.note}</div>`:l}
          ${e.incident_id?o`<a href="#" class="from" @click=${r=>{r.preventDefault(),this._openIncident(e.incident_id)}}>from an incident</a>`:l}
          </div>
        </td>
        <td data-label="Region">${se(e.region)}</td>
        <td data-label="Created">${y(this.hass,e.created)}</td>
        <td data-label="Expires">
          ${e.expires?y(this.hass,e.expires):o`<span class="secondary">never</span>`}
        </td>
        <td data-label="Hits" class="num">${e.hits||0}</td>
        <td data-label="Last hit">
          ${e.last_hit?y(this.hass,e.last_hit):o`<span class="secondary">never</span>`}
        </td>
        <td data-label="State">
          ${e.active?o`<span class="badge ${t?"":"active"}">${t?"Expired":"Active"}</span>`:o`<span class="badge proposed" title="Proposed by the daily review: does nothing until accepted"
                >Proposed</span
              >`}
        </td>
        <td class="actions">
          ${e.active?l:o`<button
                class="primary"
                data-testid="rule-accept"
                ?disabled=${this._busy}
                @click=${()=>this._accept([e.id])}
              >
                Accept
              </button>`}
          <button ?disabled=${this._busy} @click=${()=>s?this._editing=null:this._edit(e)}>
            ${s?"Close":"Edit"}
          </button>
          <button class="danger" data-testid="rule-remove" ?disabled=${this._busy} @click=${()=>this._remove(e)}>
            Remove
          </button>
        </td>
      </tr>
      ${s?this._renderEdit():l}`}_renderEdit(){let e=this._editing,t=s=>r=>this._editing={...this._editing,[s]:r.target.value};return o`<tr class="edit">
      <td colspan="9">
        <div class="row edit-row">
          <label class="field grow">
            Keywords
            <input data-testid="rule-edit-keywords" .value=${e.keywords} @input=${t("keywords")} />
          </label>
          <label class="field">
            Expires
            <input type="datetime-local" .value=${e.expires} @change=${t("expires")} />
          </label>
          <label class="field grow">
            Note
            <input .value=${e.note} @input=${t("note")} />
          </label>
          <button class="primary" data-testid="rule-edit-save" ?disabled=${this._busy} @click=${this._saveEdit}>
            Save
          </button>
          <button class="plain" @click=${()=>this._editing=null}>Cancel</button>
        </div>
      </td>
    </tr>`}};m(Z,"properties",{hass:{attribute:!1},cameras:{attribute:!1},_rules:{state:!0},_camera:{state:!0},_loading:{state:!0},_error:{state:!0},_notice:{state:!0},_editing:{state:!0},_busy:{state:!0}}),m(Z,"styles",[$,_`
      :host {
        display: block;
      }
      .filters {
        margin-bottom: 12px;
        align-items: flex-end;
      }
      .count {
        margin-left: auto;
        align-self: center;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th {
        text-align: left;
        font-weight: 500;
        font-size: 12px;
        color: var(--secondary-text-color, #727272);
        padding: 10px 8px;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
        white-space: nowrap;
      }
      td {
        padding: 10px 8px;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
        vertical-align: top;
      }
      tr:last-child td {
        border-bottom: none;
      }
      tr.proposed td {
        background: rgba(3, 155, 229, 0.06);
      }
      .num {
        text-align: right;
      }
      .keywords {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .chip {
        padding: 1px 8px;
        border-radius: 10px;
        background: var(--secondary-background-color, #eee);
        font-size: 13px;
      }
      .note {
        margin-top: 4px;
      }
      .from {
        font-size: 12px;
        color: var(--primary-color, #03a9f4);
      }
      .actions {
        white-space: nowrap;
        text-align: right;
      }
      .actions button {
        margin: 2px 0 2px 4px;
      }
      tr.edit td {
        background: var(--secondary-background-color, #f5f5f5);
      }
      .edit-row {
        align-items: flex-end;
      }
      .grow {
        flex: 1 1 180px;
      }
      .grow input {
        width: 100%;
      }
      @media (max-width: 760px) {
        table,
        tbody,
        tr,
        td {
          display: block;
        }
        thead {
          display: none;
        }
        tr {
          border-bottom: 1px solid var(--divider-color, #e0e0e0);
          padding: 8px 12px;
        }
        tr:last-child {
          border-bottom: none;
        }
        td {
          border: none;
          padding: 3px 0;
          display: flex;
          gap: 8px;
        }
        td[data-label]::before {
          content: attr(data-label);
          flex: 0 0 84px;
          color: var(--secondary-text-color, #727272);
          font-size: 12px;
          padding-top: 2px;
        }
        .num {
          text-align: left;
        }
        .actions {
          justify-content: flex-start;
          flex-wrap: wrap;
          padding-top: 6px;
        }
        .actions button {
          margin: 0 4px 0 0;
        }
        tr.edit td {
          display: block;
        }
      }
    `]);customElements.get("vlm-guard-rules")||customElements.define("vlm-guard-rules",Z);function ye(i){let e=Math.min(1,Math.max(0,i));return Math.round(e*1e4)/1e4}function it(i,e){let[t,s]=i,r=!1;for(let a=0,n=e.length-1;a<e.length;n=a++){let[c,d]=e[a],[p,u]=e[n];d>s!=u>s&&t<(p-c)*(s-d)/(u-d)+c&&(r=!r)}return r}function Et(i,e,t){let s=t[0]-e[0],r=t[1]-e[1],a=s*s+r*r,n=a?((i[0]-e[0])*s+(i[1]-e[1])*r)/a:0;return n=Math.max(0,Math.min(1,n)),Math.hypot(i[0]-(e[0]+n*s),i[1]-(e[1]+n*r))}function rt(i,e,t=[1,1]){if(i.length<3)return i.length;let s=c=>[c[0]*t[0],c[1]*t[1]],r=s(e),a=0,n=1/0;for(let c=0;c<i.length;c++){let d=Et(r,s(i[c]),s(i[(c+1)%i.length]));d<n&&(n=d,a=c)}return a+1}function at(i){if(!i.length)return[0,0];let e=i.reduce((t,[s,r])=>[t[0]+s,t[1]+r],[0,0]);return[e[0]/i.length,e[1]/i.length]}function ot(i){let e=new Set(i.map(t=>t.name));for(let t=i.length+1;;t++)if(!e.has(`zone ${t}`))return`zone ${t}`}var we=i=>(i||[]).map(e=>({name:e.name,type:e.type==="include"?"include":"exclude",points:(e.points||[]).map(([t,s])=>[Number(t),Number(s)])})),V=class extends f{constructor(){super(),this._zones=[],this._selected=-1,this._point=-1,this._drawing=!1,this._frame=null,this._frameError=null,this._size={w:0,h:0},this._boxes=null,this._error=null,this._saved=!1,this._busy=null,this._dirty=!1,this._cameraId=null,this._drag=null,this._downOnHandle=!1,this._resize=new ResizeObserver(e=>{let t=e[e.length-1].contentRect;this._size={w:t.width,h:t.height}})}disconnectedCallback(){super.disconnectedCallback(),this._resize.disconnect()}connectedCallback(){super.connectedCallback();let e=this.renderRoot&&this.renderRoot.querySelector&&this.renderRoot.querySelector(".stage");e&&this._resize.observe(e)}firstUpdated(){this._resize.observe(this.renderRoot.querySelector(".stage"))}willUpdate(e){e.has("camera")&&this.camera&&this.camera.id!==this._cameraId&&(this._cameraId=this.camera.id,this._reset(),this._loadFrame())}_reset(){this._zones=we(this.camera.zones),this._selected=-1,this._point=-1,this._drawing=!1,this._boxes=null,this._error=null,this._saved=!1,this._dirty=!1}async _loadFrame(){let e=this.camera.id;this._frameError=null;try{let t=await G(this.hass,e);this.camera&&this.camera.id===e&&(this._frame=t)}catch(t){this.camera&&this.camera.id===e&&(this._frame=null,this._frameError=g(t))}}_frameSize(){if(this._frame&&this._frame.width&&this._frame.height)return[this._frame.width,this._frame.height];let e=this.camera&&this.camera.frame_size;return Array.isArray(e)&&e[0]&&e[1]?e:[16,9]}_edit(e){let t=we(this._zones);e(t),this._zones=t,this._dirty=!0,this._saved=!1,this._boxes=null}_select(e){e!==this._selected&&(this._drawing=!1),this._selected=e,this._point=-1}_newZone(){let e=ot(this._zones);this._edit(t=>t.push({name:e,type:"exclude",points:[]})),this._error=null,this._selected=this._zones.length-1,this._point=-1,this._drawing=!0}_deleteZone(){if(this._selected<0)return;let e=this._selected;this._edit(t=>t.splice(e,1)),this._error=null,this._select(-1)}_deletePoint(){if(this._selected<0||this._point<0)return;let[e,t]=[this._selected,this._point];this._edit(s=>s[e].points.splice(t,1)),this._point=-1}_setField(e,t){if(this._selected<0)return;let s=this._selected;this._edit(r=>{r[s][e]=t})}_revert(){this._reset()}_eventPoint(e){let t=e.currentTarget.getBoundingClientRect();return!t.width||!t.height?null:[ye((e.clientX-t.left)/t.width),ye((e.clientY-t.top)/t.height)]}_onPointerDown(e){let t=e.target.dataset?e.target.dataset.point:void 0;this._downOnHandle=t!==void 0,!(!this._downOnHandle||this._selected<0)&&(e.preventDefault(),this._point=Number(t),this._drag={pointerId:e.pointerId,point:Number(t),edited:!1},e.currentTarget.setPointerCapture(e.pointerId))}_onPointerMove(e){let t=this._drag;if(!t||t.pointerId!==e.pointerId)return;let s=this._eventPoint(e);if(!s)return;let r=this._selected;t.edited||(this._edit(()=>{}),t.edited=!0),this._zones[r].points[t.point]=s,this.requestUpdate("_zones")}_onPointerUp(e){this._drag&&this._drag.pointerId===e.pointerId&&(this._drag=null)}_onClick(e){if(this._downOnHandle){this._downOnHandle=!1;return}let t=this._eventPoint(e);if(!t)return;if(this._selected<0){for(let n=this._zones.length-1;n>=0;n--)if(this._zones[n].points.length>=3&&it(t,this._zones[n].points)){this._select(n);return}return}let s=this._selected,r=this._zones[s].points,a=this._drawing?r.length:rt(r,t,[this._size.w||1,this._size.h||1]);this._edit(n=>n[s].points.splice(a,0,t)),this._point=a}async _preview(){this._busy="preview",this._saved=!1;try{let e=await Be(this.hass,this.camera.id,this._zones);e&&e.error?(this._fail(e.error,e.zone),this._boxes=null):(this._error=null,this._boxes={boxes:e&&e.boxes||[],width:e&&e.width,height:e&&e.height})}catch(e){this._fail(g(e),null)}finally{this._busy=null}}async _save(){this._busy="save",this._saved=!1;try{let e=await qe(this.hass,this.camera.id,this._zones);e&&e.saved?(this._error=null,this._zones=we(e.zones||this._zones),this._dirty=!1,this._saved=!0,this._drawing=!1,this.dispatchEvent(new CustomEvent("zones-saved",{detail:{camera:this.camera.id,zones:this._zones},bubbles:!0,composed:!0}))):this._fail(e&&e.error||"The zones were not saved",e&&e.zone)}catch(e){this._fail(g(e),null)}finally{this._busy=null}}_fail(e,t){let s=Number.isInteger(t)&&t>=0&&t<this._zones.length?t:null;this._error={message:e,zone:s},s!==null&&this._select(s)}_back(){this.dispatchEvent(new CustomEvent("close-zones",{bubbles:!0,composed:!0}))}_xy([e,t]){return[e*this._size.w,t*this._size.h]}_renderZone(e,t){let s=t===this._selected,r=this._error&&this._error.zone===t,a=`zone ${e.type}${s?" selected":""}${r?" faulty":""}`,n=e.points.map(h=>this._xy(h).join(",")).join(" "),c;if(e.points.length>=3&&!(s&&this._drawing))c=N`<polygon class=${a} points=${n}></polygon>`;else if(e.points.length>=2){let h=this._xy(e.points[0]),b=this._xy(e.points[e.points.length-1]);c=N`<polygon class="${a} drawing" points=${n}></polygon>
        <line class="closing" x1=${b[0]} y1=${b[1]} x2=${h[0]} y2=${h[1]}></line>`}else c=l;let[d,p]=this._xy(at(e.points)),u=e.points.length?N`<text class="label ${r?"faulty":""}" x=${d} y=${p}>${r?"\u26A0 ":""}${e.name}</text>`:l;return N`<g>${c}${u}</g>`}_renderHandles(){return this._selected<0||!this._zones[this._selected]?l:this._zones[this._selected].points.map((e,t)=>{let[s,r]=this._xy(e),a=t===this._point;return N`<g class="handle-group">
        <circle class="handle ${a?"selected":""}" cx=${s} cy=${r} r=${a?9:7}></circle>
        <circle class="hit" data-point=${t} cx=${s} cy=${r} r="18"></circle>
      </g>`})}_renderBoxes(){if(!this._boxes||!this._boxes.boxes.length)return l;let[e,t]=this._frameSize(),s=this._size.w/(this._boxes.width||e),r=this._size.h/(this._boxes.height||t);return this._boxes.boxes.map(([a,n,c,d])=>N`<rect class="box" x=${a*s} y=${n*r} width=${c*s} height=${d*r}></rect>`)}_hint(){if(this._selected<0)return this._zones.length?"Pick a zone in the list or on the picture, or start a new one.":"No zones: motion anywhere in the picture counts. Press \u201CNew zone\u201D to draw one.";let e=this._zones[this._selected];if(this._drawing){let t=Math.max(0,3-e.points.length);return t?`Click the picture to add the corners of \u201C${e.name}\u201D (${t} more at least).`:`Click to add more corners of \u201C${e.name}\u201D, or press Finish.`}return`Drag a corner of \u201C${e.name}\u201D to move it; click the picture to add a corner on the nearest edge.`}render(){if(!this.camera)return l;let[e,t]=this._frameSize(),s=this._selected>=0?this._zones[this._selected]:null,r=this._selected>=0;return o`
      <div class="header">
        <button class="plain" @click=${this._back}>← Cameras</button>
        <h2>Zones · ${this.camera.name}</h2>
        ${this._dirty?o`<span class="badge new">Not saved</span>`:l}
      </div>
      <div class="layout">
        <div class="picture-column">
          <div class="stage" style="aspect-ratio: ${e} / ${t}; max-width: min(100%, calc(70vh * ${e/t}))">
            ${this._frame?o`<img src=${this._frame.image} alt="Current picture of ${this.camera.name}" draggable="false" />`:o`<div class="no-picture">
                  ${this._frameError?o`No picture: ${this._frameError}`:"Loading picture\u2026"}
                </div>`}
            <svg
              data-testid="zone-picture"
              class="overlay ${r?"editing":""}"
              @pointerdown=${this._onPointerDown}
              @pointermove=${this._onPointerMove}
              @pointerup=${this._onPointerUp}
              @pointercancel=${this._onPointerUp}
              @click=${this._onClick}
            >
              ${this._zones.map((a,n)=>this._renderZone(a,n))} ${this._renderBoxes()}
              ${this._renderHandles()}
            </svg>
          </div>
          <div class="hint secondary">${this._hint()}</div>
          <div class="legend secondary">
            <span><i class="swatch exclude"></i>Exclude: motion here is ignored</span>
            <span><i class="swatch include"></i>Include: only motion here counts</span>
            ${this._boxes?o`<span><i class="swatch box"></i>Motion found now (${this._boxes.boxes.length})</span>`:l}
          </div>
        </div>
        <div class="side">
          <div class="row toolbar">
            <button data-testid="zone-new" @click=${this._newZone}>New zone</button>
            ${this._drawing?o`<button @click=${()=>this._drawing=!1}>Finish</button>`:l}
            <button data-testid="zone-preview" ?disabled=${!!this._busy} @click=${this._preview}>
              ${this._busy==="preview"?"Looking\u2026":"Preview motion"}
            </button>
            <button class="primary" data-testid="zone-save" ?disabled=${!!this._busy} @click=${this._save}>
              ${this._busy==="save"?"Saving\u2026":"Save"}
            </button>
          </div>
          ${this._saved?o`<div class="message ok" data-testid="zone-saved">Saved</div>`:l}
          ${this._error&&this._error.zone===null?this._renderError():l}
          <div class="zone-list" role="listbox" aria-label="Zones">
            ${this._zones.map((a,n)=>this._renderListItem(a,n))}
            ${this._zones.length?l:o`<div class="secondary none">No zones yet</div>`}
          </div>
          <fieldset class="zone-form" ?disabled=${!s}>
            <legend>${s?`Zone \u201C${s.name}\u201D`:"No zone selected"}</legend>
            <div class="row">
              <label class="field grow">
                Name
                <input
                  data-testid="zone-name"
                  .value=${s?s.name:""}
                  @input=${a=>this._setField("name",a.target.value)}
                />
              </label>
              <label class="field">
                Type
                <select
                  data-testid="zone-type"
                  .value=${s?s.type:"exclude"}
                  @change=${a=>this._setField("type",a.target.value)}
                >
                  <option value="exclude" ?selected=${!s||s.type==="exclude"}>Exclude</option>
                  <option value="include" ?selected=${s&&s.type==="include"}>Include</option>
                </select>
              </label>
            </div>
            <div class="row">
              <button data-testid="zone-delete-point" ?disabled=${!s||this._point<0} @click=${this._deletePoint}>
                Delete point
              </button>
              <button class="danger" data-testid="zone-delete" ?disabled=${!s} @click=${this._deleteZone}>
                Delete zone
              </button>
            </div>
          </fieldset>
          <div class="row">
            <button class="plain" @click=${this._loadFrame}>Refresh picture</button>
            <button class="plain" ?disabled=${!this._dirty} @click=${this._revert}>Undo changes</button>
          </div>
        </div>
      </div>
    `}_renderError(){let e=this._error.zone;return o`<div class="message error" data-testid="zone-error" data-zone-index=${e===null?"":String(e)} role="alert">
      ${this._error.message}
    </div>`}_renderListItem(e,t){let s=t===this._selected,r=this._error&&this._error.zone===t;return o`<div
        class="zone-item ${s?"selected":""} ${r?"faulty":""}"
        data-testid="zone-list-item"
        data-index=${t}
        role="option"
        aria-selected=${s?"true":"false"}
        tabindex="0"
        @click=${()=>this._select(t)}
        @keydown=${a=>(a.key==="Enter"||a.key===" ")&&this._select(t)}
      >
        <i class="swatch ${e.type}"></i>
        <span class="zone-name">${e.name||"(no name)"}</span>
        <span class="secondary">${e.type} · ${e.points.length} points</span>
      </div>
      ${r?this._renderError():l}`}};m(V,"properties",{hass:{attribute:!1},camera:{attribute:!1},_zones:{state:!0},_selected:{state:!0},_point:{state:!0},_drawing:{state:!0},_frame:{state:!0},_frameError:{state:!0},_size:{state:!0},_boxes:{state:!0},_error:{state:!0},_saved:{state:!0},_busy:{state:!0},_dirty:{state:!0}}),m(V,"styles",[$,_`
      :host {
        display: block;
      }
      .header {
        display: flex;
        align-items: center;
        gap: 8px;
        margin-bottom: 12px;
      }
      .header button {
        flex: none;
        padding: 0 8px;
      }
      h2 {
        font-size: 20px;
        font-weight: 500;
        margin: 0;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .header .badge {
        flex: none;
      }
      .layout {
        display: flex;
        flex-wrap: wrap;
        gap: 16px;
        align-items: flex-start;
      }
      .picture-column {
        flex: 3 1 480px;
        min-width: 0;
      }
      .side {
        flex: 1 1 280px;
        min-width: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .stage {
        position: relative;
        width: 100%;
        background: #000;
        border-radius: 8px;
        overflow: hidden;
        user-select: none;
        -webkit-user-select: none;
      }
      .stage img {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        display: block;
        -webkit-user-drag: none;
      }
      .no-picture {
        position: absolute;
        inset: 0;
        display: flex;
        align-items: center;
        justify-content: center;
        padding: 16px;
        text-align: center;
        color: #ddd;
        background: repeating-linear-gradient(45deg, #333, #333 12px, #3a3a3a 12px, #3a3a3a 24px);
      }
      .overlay {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        cursor: pointer;
        touch-action: manipulation;
        overflow: visible;
      }
      .overlay.editing {
        cursor: crosshair;
        touch-action: none;
      }
      .zone {
        stroke-width: 2;
        stroke-linejoin: round;
      }
      /* The colours of the alert snapshot: blue where motion is ignored, green where only it counts. */
      .zone.exclude {
        fill: rgba(0, 160, 255, 0.28);
        stroke: #00a0ff;
      }
      .zone.include {
        fill: rgba(80, 220, 80, 0.28);
        stroke: #50dc50;
      }
      .zone.selected {
        stroke-width: 3;
        fill-opacity: 1;
      }
      .zone.exclude.selected {
        fill: rgba(0, 160, 255, 0.4);
      }
      .zone.include.selected {
        fill: rgba(80, 220, 80, 0.4);
      }
      .zone.drawing {
        fill-opacity: 0.6;
      }
      .zone.faulty {
        stroke: #ffd600;
        stroke-width: 4;
        stroke-dasharray: 8 5;
      }
      .closing {
        stroke: #fff;
        stroke-width: 1.5;
        stroke-dasharray: 4 4;
        pointer-events: none;
      }
      .label {
        fill: #fff;
        font-size: 14px;
        font-weight: 600;
        text-anchor: middle;
        dominant-baseline: middle;
        paint-order: stroke;
        stroke: rgba(0, 0, 0, 0.75);
        stroke-width: 3px;
        pointer-events: none;
      }
      .label.faulty {
        fill: #ffd600;
      }
      .handle {
        fill: #fff;
        stroke: var(--primary-color, #03a9f4);
        stroke-width: 3;
        pointer-events: none;
      }
      .handle.selected {
        fill: var(--primary-color, #03a9f4);
        stroke: #fff;
      }
      .hit {
        fill: transparent;
        cursor: grab;
        touch-action: none;
      }
      .box {
        fill: rgba(255, 193, 7, 0.15);
        stroke: #ffc107;
        stroke-width: 2;
        pointer-events: none;
      }
      .hint {
        margin-top: 8px;
        line-height: 1.4;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        margin-top: 6px;
        font-size: 12px;
      }
      .swatch {
        display: inline-block;
        width: 12px;
        height: 12px;
        border-radius: 3px;
        margin-right: 6px;
        vertical-align: -1px;
        flex: none;
      }
      .swatch.exclude {
        background: rgba(0, 160, 255, 0.6);
        border: 2px solid #00a0ff;
      }
      .swatch.include {
        background: rgba(80, 220, 80, 0.6);
        border: 2px solid #50dc50;
      }
      .swatch.box {
        border: 2px solid #ffc107;
      }
      .toolbar {
        margin-bottom: 4px;
      }
      .zone-list {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .zone-item {
        display: flex;
        align-items: center;
        gap: 6px;
        flex-wrap: wrap;
        padding: 8px 10px;
        border-radius: 8px;
        border: 1px solid var(--divider-color, #e0e0e0);
        background: var(--card-background-color, #fff);
        cursor: pointer;
      }
      .zone-item.selected {
        border-color: var(--primary-color, #03a9f4);
        box-shadow: inset 3px 0 0 var(--primary-color, #03a9f4);
      }
      .zone-item.faulty {
        border-color: var(--error-color, #db4437);
        background: rgba(219, 68, 55, 0.08);
      }
      .zone-name {
        font-weight: 500;
        margin-right: auto;
        overflow-wrap: anywhere;
      }
      .zone-list .message {
        margin: 0 0 4px 12px;
      }
      .none {
        padding: 8px 0;
      }
      fieldset {
        border: 1px solid var(--divider-color, #e0e0e0);
        border-radius: 8px;
        margin: 0;
        padding: 8px 12px 12px;
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      fieldset:disabled {
        opacity: 0.6;
      }
      legend {
        padding: 0 4px;
        color: var(--secondary-text-color, #727272);
      }
      .grow {
        flex: 1 1 140px;
      }
      .grow input {
        width: 100%;
      }
    `]);customElements.get("vlm-guard-zone-editor")||customElements.define("vlm-guard-zone-editor",V);var St="M3,6H21V8H3V6M3,11H21V13H3V11M3,16H21V18H3V16Z",zt=[{key:"cameras",label:"Cameras"},{key:"review",label:"Review"},{key:"rules",label:"Rules"}],K=class extends f{constructor(){super(),this.narrow=!1,this._page="cameras",this._zoneCamera=null,this._cameras=[],this._loaded=!1,this._error=null,this._loading=null}willUpdate(e){e.has("hass")&&this.hass&&!this._loaded&&!this._loading&&this._loadCameras()}async _loadCameras(){return this._loading?this._loading:(this._loading=(async()=>{try{let e=await je(this.hass);this._cameras=e&&e.cameras||[],this._error=null}catch(e){this._error=g(e)}finally{this._loaded=!0,this._loading=null}})(),this._loading)}_toggleMenu(){this.dispatchEvent(new CustomEvent("hass-toggle-menu",{bubbles:!0,composed:!0}))}_show(e){this._page=e,e==="cameras"&&this._loadCameras()}async _showReview(e){this._page="review",await this.updateComplete;let t=this.renderRoot.querySelector("vlm-guard-review");t&&e(t)}render(){let e=this.narrow||this.hass&&this.hass.dockedSidebar==="always_hidden",t=this._page==="zones"?"cameras":this._page;return o`
      <div class="header">
        <div class="toolbar">
          ${e?o`<button class="menu" title="Menu" aria-label="Menu" @click=${this._toggleMenu}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${St}></path></svg>
              </button>`:l}
          <div class="main-title">VLM Guard</div>
        </div>
        <nav class="tabs" role="tablist">
          ${zt.map(s=>o`<button
              role="tab"
              class="tab ${s.key===t?"active":""}"
              aria-selected=${s.key===t?"true":"false"}
              data-testid="tab-${s.key}"
              @click=${()=>this._show(s.key)}
            >
              ${s.label}
            </button>`)}
        </nav>
      </div>
      <div class="content ${this.narrow?"narrow":""}">
        ${this._error?o`<div class="message error">${this._error}</div>`:l}
        ${this._renderPage()}
      </div>
    `}_renderPage(){if(!this._loaded)return o`<div class="empty">Loading…</div>`;if(this._error&&!this._cameras.length&&this._page==="cameras")return l;switch(this._page){case"zones":{let e=this._cameras.find(t=>t.id===this._zoneCamera);return e?o`<vlm-guard-zone-editor
          .hass=${this.hass}
          .camera=${e}
          @close-zones=${()=>this._show("cameras")}
          @zones-saved=${()=>this._loadCameras()}
        ></vlm-guard-zone-editor>`:o`<div class="empty">This camera is gone.</div>`}case"review":return o`<vlm-guard-review .hass=${this.hass} .cameras=${this._cameras}></vlm-guard-review>`;case"rules":return o`<vlm-guard-rules
          .hass=${this.hass}
          .cameras=${this._cameras}
          @open-incident=${e=>this._showReview(t=>t.openIncident(e.detail.incident))}
        ></vlm-guard-rules>`;default:return o`<vlm-guard-cameras
          .hass=${this.hass}
          .cameras=${this._cameras}
          @refresh-cameras=${()=>this._loadCameras()}
          @open-zones=${e=>{this._zoneCamera=e.detail.camera,this._page="zones"}}
          @open-incidents=${e=>this._showReview(t=>t.showCamera(e.detail.camera))}
        ></vlm-guard-cameras>`}}};m(K,"properties",{hass:{attribute:!1},narrow:{type:Boolean},route:{attribute:!1},panel:{attribute:!1},_page:{state:!0},_zoneCamera:{state:!0},_cameras:{state:!0},_loaded:{state:!0},_error:{state:!0}}),m(K,"styles",[$,_`
      :host {
        display: block;
        height: 100%;
        background: var(--primary-background-color, #fafafa);
        overflow: hidden;
        position: relative;
      }
      .header {
        background: var(--app-header-background-color, var(--primary-color, #03a9f4));
        color: var(--app-header-text-color, var(--text-primary-color, #fff));
        border-bottom: var(--app-header-border-bottom, none);
        position: relative;
        z-index: 2;
      }
      .toolbar {
        height: var(--header-height, 56px);
        display: flex;
        align-items: center;
        padding: 0 12px;
        font-size: 20px;
        font-weight: 400;
        box-sizing: border-box;
      }
      .main-title {
        margin-left: 12px;
        line-height: 20px;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      .menu {
        width: 48px;
        height: 48px;
        min-height: 48px;
        padding: 12px;
        border: none;
        border-radius: 50%;
        color: inherit;
        margin-left: -4px;
        margin-right: -12px;
      }
      .menu svg {
        width: 24px;
        height: 24px;
        fill: currentColor;
        display: block;
      }
      .tabs {
        display: flex;
        padding: 0 8px;
        overflow-x: auto;
      }
      .tab {
        border: none;
        border-radius: 0;
        color: inherit;
        opacity: 0.75;
        min-height: 44px;
        padding: 0 20px;
        border-bottom: 2px solid transparent;
        text-transform: uppercase;
        letter-spacing: 0.05em;
        font-size: 13px;
      }
      .tab.active {
        opacity: 1;
        border-bottom-color: currentColor;
      }
      .content {
        height: calc(100% - var(--header-height, 56px) - 46px);
        overflow-y: auto;
        padding: 16px;
      }
      .content.narrow {
        padding: 8px;
      }
    `]);customElements.get("vlm-guard-panel")||customElements.define("vlm-guard-panel",K);export{K as VlmGuardPanel};
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

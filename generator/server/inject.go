package server

import (
	"bytes"
	"strconv"
	"strings"
)

// reloadScript is injected into every HTML page the dev server sends (and
// never into build output). It listens for events: "reload" reloads the page
// keeping its scroll position (unless the event lists the changed pages and
// this one is not among them, and the page missed no version); "css" swaps
// in place the <link>s that load the changed stylesheets (it reloads when the
// page links none of them or missed a version); and every message carries
// the current errors, shown as an overlay. Page paths are compared decoded
// (/café/, not /caf%C3%A9/), with index.html dropped. The stream is closed while the tab is hidden (browsers
// allow few connections per host) and reopened, catching up, when shown.
const reloadScript = `<script>(function(){"use strict";
var V=__VERSION__,P=here(),K="lectern:scroll:"+P,es=null,box=null;
function here(){var p=location.pathname;try{p=decodeURIComponent(p)}catch(e){}return p.replace(/\/index\.html$/,"/")}
try{var y=sessionStorage.getItem(K);if(y!==null){sessionStorage.removeItem(K);var go=function(){window.scrollTo(0,+y)};if(document.readyState==="complete")go();else addEventListener("load",go)}}catch(e){}
function show(errs){
 if(!errs||!errs.length){if(box){box.remove();box=null}return}
 if(!box){box=document.createElement("div");box.id="lectern-errors";box.setAttribute("role","alert");
  box.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;background:#1b1b1f;color:#f5f5f5;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:1rem 1.25rem;border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
  document.body.appendChild(box)}
 box.textContent="";
 var h=document.createElement("p");h.style.cssText="margin:0 0 .5rem;font-weight:700;color:#ff9592";
 h.textContent=errs.length===1?"1 error — the site keeps updating; fix it and this clears by itself":errs.length+" errors — the site keeps updating; fix them and this clears by itself";box.appendChild(h);
 errs.forEach(function(e){var d=document.createElement("div");d.style.margin=".5rem 0";
  var p=document.createElement("div");p.textContent=(e.pos?e.pos+": ":"")+e.msg;d.appendChild(p);
  if(e.source){var s=document.createElement("pre");s.style.cssText="margin:.25rem 0 0;padding:.25rem .5rem;background:#2a2a30;color:#e0e0e0;white-space:pre-wrap";s.textContent=e.source;d.appendChild(s)}
  box.appendChild(d)})
}
function abs(u){try{return new URL(u,location.href).pathname}catch(e){return""}}
function swap(css){var seen={};
 document.querySelectorAll('link[rel~="stylesheet"][href]').forEach(function(l){var u=abs(l.href);
  for(var k in css)if(abs(k)===u){seen[k]=1;var n=l.cloneNode();n.href=css[k];n.onload=n.onerror=function(){l.remove()};l.after(n)}});
 for(var k in css)if(!seen[k])return false;
 return true}
function on(ev){var m;try{m=JSON.parse(ev.data)}catch(e){return}
 if(m.version!==V){var next=m.version===V+1;
  if(next&&m.kind==="css"&&m.css&&swap(m.css)||next&&m.kind==="reload"&&m.pages&&m.pages.indexOf(P)<0){V=m.version}
  else{try{sessionStorage.setItem(K,String(window.scrollY))}catch(e){}location.reload();return}}
 show(m.errors)}
function open(){if(es)return;es=new EventSource("/__lectern/events");es.onmessage=on}
function close(){if(es){es.close();es=null}}
document.addEventListener("visibilitychange",function(){document.hidden?close():open()});
addEventListener("pagehide",close);
addEventListener("pageshow",function(){if(!document.hidden)open()});
if(!document.hidden)open();
})();</script>`

// inject puts the reload script before the last </body>, or at the end.
func inject(page []byte, version int64) []byte {
	script := strings.Replace(reloadScript, "__VERSION__", strconv.FormatInt(version, 10), 1)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(script))
	out = append(out, page[:i]...)
	out = append(out, script...)
	return append(out, page[i:]...)
}

package sim

import "html/template"

// The pages imitate Coupa's: a header with navigation, the record's number
// in the title and h1, a details block, a lines table and an attachments
// panel the page's script fills after load. Nothing outside the panel
// matches an attachment marker (no href with "attachment"/"download", no
// title or aria-label with "attachment"), and nothing outside the supplier
// block matches a supplier marker, so a client cannot find either by luck.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="{{if .Lang}}{{.Lang}}{{else}}en{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if .CSRF}}<meta name="csrf-param" content="authenticity_token">
<meta name="csrf-token" content="{{.CSRF}}">
{{end}}<title>{{.Title}}</title>
<style>
{{if .Assets}}@font-face { font-family: "CoupaSans"; src: url("/assets/fonts/coupa-sans.woff2") format("woff2"); font-display: block; }
body { font-family: "CoupaSans", Arial, sans-serif; }
{{end}}body { margin: 0; color: #1f2933; }
.top-bar { display: flex; gap: 1.5em; padding: .6em 1em; background: #003b5c; color: #fff; }
.top-bar a { color: #fff; text-decoration: none; }
main { padding: 1em 2em; }
table.lines { border-collapse: collapse; }
table.lines td, table.lines th { border: 1px solid #ccd; padding: .2em .6em; }
.attachments-panel { margin-top: 1.5em; }
</style>
</head>
<body>
<header class="top-bar">
<a class="logo" href="/">coupa</a>
<nav>
<a href="/order_headers">Orders</a>
<a href="/requests">Requests</a>
<a href="/invoices?filter=open&amp;session_hint=s3cr3t">Invoices</a>
<a href="/suppliers">Suppliers</a>
</nav>
{{if .User}}<span class="user-menu">{{.User}}</span>{{end}}
</header>
{{if .Assets}}<div class="hero"><img src="/assets/img/banner.png" alt="" width="600" height="560"></div>{{end}}
{{end}}

{{define "foot"}}{{if .Assets}}<div class="promo">
<img src="/assets/img/dashboard.png" alt="" width="600" height="560">
<video controls preload="auto" poster="/assets/media/poster.jpg" width="320" height="180"><source src="/assets/media/intro.mp4" type="video/mp4"></video>
</div>
{{end}}<footer class="footer"><a href="/help">Help</a> · <a href="/privacy">Privacy</a> · © Coupa Software (simulated)</footer>
</body>
</html>
{{end}}

{{define "supplier"}}{{if and .Supplier (eq .SupplierMarkup 4)}}<div class="detail"><span class="label">{{.SupplierLabel}}</span><span class="sep">:</span> <span>{{.Supplier}}</span></div>
{{else if .Supplier}}<div class="detail supplier-block"><span class="label">Supplier</span>
{{if eq .SupplierMarkup 0}}<span data-supplier-name="{{.Supplier}}">{{.Supplier}}</span>
{{else if eq .SupplierMarkup 1}}<div class="po-supplier-name">{{.Supplier}}</div>
{{else if eq .SupplierMarkup 2}}<div class="supplier-info"><span>{{.Supplier}}</span> <em>Preferred</em></div>
{{else}}<div data-testid="po-supplier">{{.Supplier}}</div>
{{end}}</div>{{end}}{{end}}

{{define "record"}}{{template "head" .}}{{if .FloatingBar}}<div class="page_buttons_right orderHeaderShowFloatingSection floatingSectionOnTop" id="floating-bar" style="position:fixed;left:0;top:0;right:0;bottom:0;z-index:100;background:rgba(255,255,255,0.01)"><button type="button">Edit</button> <button type="button">Print</button> <button type="button">Copy</button></div>
{{end}}<main id="content">
<h1>{{.Heading}}</h1>
<div class="details">
<div class="detail"><span class="label">Status</span> <span class="value">{{.State}}</span></div>
{{template "supplier" .}}
{{if .Requisition}}<div class="detail"><span class="label">Requisition</span> <a class="requisition-link" href="/requisition_headers/{{.Requisition}}">Requisition #{{.Requisition}}</a></div>{{end}}
</div>
<h2>Lines</h2>
<table class="lines">
<thead><tr><th>#</th><th>Item</th><th>Qty</th><th>Price</th></tr></thead>
<tbody>{{range .Lines}}
<tr><td>{{.N}}</td><td>{{.Item}}</td><td>{{.Qty}}</td><td>{{.Price}}</td></tr>{{end}}
</tbody>
</table>
{{.Section}}
</main>
<script>
(function () {
  var listHTML = {{.ListHTML}};
  var delay = {{.DelayMS}};
  var listID = {{.ListID}};
  var binds = {{.Binds}};
{{- if .LongPoll}}
  fetch({{.PollURL}}, {credentials: "same-origin"}).then(function (r) { return r.text(); }).catch(function () {});
{{- end}}
{{template "inserter"}}
{{- if .FloatingBar}}
  document.getElementById("floating-bar").addEventListener("click", function () { location.href = "/order_headers?from=toolbar"; });
{{- end}}
  window.addEventListener("load", function () {
{{- if .Hang}}
    for (;;) {}
{{- end}}
{{- if .AllocMB}}
    window.__held = [];
    for (var i = 0; i < {{.AllocMB}}; i++) { var b = new Uint8Array(1048576); b.fill(i % 255 + 1); window.__held.push(b); }
{{- end}}
{{- if .Collapsed}}
    var toggle = document.getElementById("docs-toggle");
    toggle.addEventListener("click", function () {
      if (toggle.getAttribute("aria-expanded") === "true") { return; }
      toggle.setAttribute("aria-expanded", "true");
      var box = document.getElementById(listID);
      box.hidden = false;
      box.setAttribute("aria-busy", "true");
      box.innerHTML = '<span class="loading">…</span>';
      setTimeout(insert, delay);
    });
{{- else if .ListID}}
    setTimeout(insert, delay);
{{- end}}
  });
})();
</script>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}<main id="content">
{{if eq .Markup 0}}<div class="flash_error">{{.Text}}</div>
{{else if eq .Markup 1}}<div class="flash-error" role="alert">{{.Text}}</div>
{{else if eq .Markup 2}}<div id="error_explanation"><h2>{{.Text}}</h2></div>
{{else}}<div class="notice" role="alert"><p>{{.Text}}</p></div>
{{end}}<p><a href="/">Back to home</a></p>
</main>
{{template "foot" .}}{{end}}

{{define "unavailable"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Service Unavailable | Coupa</title></head>
<body><h1>Service Unavailable</h1><p>Coupa is temporarily unavailable. Please try again in a moment.</p></body></html>
{{end}}

{{define "home"}}{{template "head" .}}<main id="content">
<h1>Home</h1>
<p>Welcome to Coupa.</p>
</main>
{{template "foot" .}}{{end}}

{{define "signin"}}{{template "head" .}}<main id="content" class="sign-in">
<h1>Sign In</h1>
{{if .Error}}<div class="flash_error">{{.Error}}</div>{{end}}
<form id="new_user" action="/sessions" method="post" accept-charset="UTF-8">
<input type="hidden" name="return_to" value="{{.ReturnTo}}">
<label for="user_email">Email</label>
<input type="email" id="user_email" name="user[login]" value="{{.Email}}" autocomplete="username" autofocus>
<label for="user_password">Password</label>
<input type="password" id="user_password" name="user[password]" autocomplete="current-password">
<button type="submit" id="sign_in_button" name="commit">Sign In</button>
</form>
</main>
{{template "foot" .}}{{end}}

{{define "inserter"}}
  // The list's handlers: ShapeButton's by delegation, the bound shapes'
  // on their elements once the list is in.
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-file]");
    if (el) { location.href = "/files/" + encodeURIComponent(el.getAttribute("data-file")); }
  });
  document.addEventListener("keydown", function (e) {
    var el = e.target.closest && e.target.closest("[data-file]");
    if (el && (e.key === "Enter" || e.key === " ")) { location.href = "/files/" + encodeURIComponent(el.getAttribute("data-file")); }
  });
  function insert() {
    var box = document.getElementById(listID);
    box.innerHTML = listHTML;
    box.setAttribute("aria-busy", "false");
    (binds || []).forEach(function (b) {
      var el = document.querySelector(b.sel);
      if (!el) { return; }
      el.addEventListener(b.event, function (e) {
        if (b.popup) { e.preventDefault(); window.open(b.url, "_blank"); return; }
        location.href = b.url;
      });
    });
  }
{{end}}

{{define "frame"}}<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>Attachments list</title></head>
<body>
<div id="list" aria-busy="true" aria-live="polite"><span class="loading">{{.Loading}}</span></div>
<script>
(function () {
  var listHTML = {{.ListHTML}};
  var delay = {{.DelayMS}};
  var listID = "list";
  var binds = {{.Binds}};
{{template "inserter"}}
  window.addEventListener("load", function () { setTimeout(insert, delay); });
})();
</script>
</body></html>
{{end}}

{{define "open"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Opening file | Coupa</title></head>
<body><p>Opening file…</p>
<script>location.replace({{.URL}});</script>
</body></html>
{{end}}
`))

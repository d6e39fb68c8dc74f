// Package sim is a simulated Coupa HTTP server on loopback, deterministic
// from a seed, for tests (Start) and for `coupatui demo` (New with Demo).
//
//	s := sim.Start(t, sim.Options{Seed: 1, POs: []sim.PO{{ID: "4500000001",
//		Attachments: []sim.Attachment{{Name: "quote.pdf", Size: 4096}}}}})
//	// point the client at s.URL(); afterwards compare with s.Expected(id)
//	// and s.Stats().
//
// # Pages
//
// /order_headers/<id> and /requisition_headers/<id> are full HTML pages
// (header, nav, the number in title and h1, details, lines table, CSRF meta
// tags, a link with a query string). The attachments panel, div#attachments,
// holds "Loading…" with aria-busy="true" until the page's script,
// InsertDelay after the load event, replaces it with the attachment elements
// in their Shape, or with <p>No attachments</p>, and sets aria-busy="false".
// PO.Layout changes the panel (a table, a collapsed panel loaded when its
// toggle is clicked, a same-origin iframe, a bare list, tiles that name no
// file, no panel at all), PO.Language its words (and, outside English, its
// classes: only the heading names it), PO.FloatingBar lays a toolbar over
// the page. The bound shapes carry no URL: the script binds a click,
// mousedown or pointerdown handler on them after inserting the list.
// Unknown ids, NotFound POs and Denied requisitions get error pages with the
// texts docs/ARCHITECTURE.md lists (and their Portuguese, Spanish, French, German and one
// Italian variant) in their markup variant, at the PO's status code. Unless
// NoAssets, pages pull two ~1 MB PNGs, a ~500 KB web font, a poster and a
// video from /assets/ (counted in Stats.Assets, never cached). A LongPoll
// page fetches /poll, which the server holds open until the client leaves or
// Close. With SignIn, pages and downloads without a valid _coupa_session
// cookie are redirected to /sessions/new?return_to=<path>.
//
// # Determinism
//
// Everything random (latency jitter, default insertion delays, order lines,
// file bytes, generated attachment IDs) derives from Seed and a key (the path
// and its request index, the PO id, the attachment id), never from a shared
// stream, so it does not depend on the order concurrent requests arrive in.
// Session tokens are random: they are secrets, not fixtures.
//
// # Throttling
//
// With Options.Throttle the server pushes back like a busy Coupa: page and
// file requests beyond a token bucket's rate get 429 with Retry-After
// (seconds, or an HTTP date) and start a pause in which every such request
// gets 429; one that arrives past the pause's grace is counted in
// Stats.TooEarly. Arrivals lists when every page and file request came, to
// count them per window (MaxInWindow).
//
// # Two clients on one PO
//
// Stats.ConcurrentPOViolations lists POs two clients worked on at once. A
// PO's requests are its page, its requisition's page (when only that PO
// links the requisition), the "open" pages of its attachments and its
// downloads; /poll and assets are not counted. A client's visit of a PO
// starts with a PO page request and takes in that client's later requests
// for the PO until it loads the PO page again; two clients' visits overlap
// when one starts before the other's last request has ended.
//
// A client is named, in this order, by the Coupatui-Worker request header
// (a worker's browser should send it on every request, e.g. with
// Network.setExtraHTTPHeaders, and so should any download made outside the
// browser), by the worker last named on the same connection, by the session
// cookie, or by the remote address. Once any request has carried the header,
// header-less requests on connections never named are ignored instead of
// guessed at, so one worker is never mistaken for two.
package sim

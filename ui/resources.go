package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
)

// resourcesPane shows memory (with the threshold marked), the browsers'
// memory, CPU and sparklines of memory and throughput. Owned by the model.
type resourcesPane struct {
	c       *common
	w, h    int
	samples <-chan []float64 // the bridge's mailbox of memory readings (bridge.mem); nil without a monitor
	mem     []float64        // memory used % of each sample delivered, oldest first
}

// follow plots the samples the bridge delivers to mailbox.
func (p *resourcesPane) follow(mailbox <-chan []float64) { p.samples = mailbox }

func (p *resourcesPane) SetSize(w, h int) { p.w, p.h = w, h }
func (p *resourcesPane) Move(action)      {}

// refresh takes the samples the bridge delivered since the last frame; it
// never waits and locks nothing.
func (p *resourcesPane) refresh() {
	select {
	case vs := <-p.samples:
		for _, v := range vs {
			p.mem = appendCapped(p.mem, v)
		}
	default:
	}
}

func (p *resourcesPane) Help() []key.Binding {
	return []key.Binding{p.c.keys.scale, p.c.keys.bindings[actPause]}
}

func (p *resourcesPane) View(focused bool) string {
	mem := p.mem
	if len(mem) == 0 { // no monitor: the snapshot's reading, once a second
		mem = p.c.hist.mem
	}
	return renderResources(p.c, mem, p.w, p.h, focused)
}

const resLabel = 9 // width of the labels column

// renderResources draws the resources pane.
func renderResources(c *common, memHist []float64, w, h int, focused bool) string {
	return box(c.st, "Resources", "", focused, w, h, c.st.paintLines(resourceLines(c, memHist, w-2)))
}

// resourceLines are the pane's content in iw cells: memory used against
// the threshold and the pressure, the browsers' memory, CPU, and the
// sparklines of memory and POs per minute.
func resourceLines(c *common, memHist []float64, iw int) [][]span {
	r := c.snap.Resources
	gw := max(4, iw-resLabel-14)
	label := func(s string, rest ...span) []span { return append([]span{{text: fit(s, resLabel)}}, rest...) }

	pressure := r.Pressure
	if pressure == "" {
		pressure = "ok"
	}
	fill := gaugeTone(pressure)
	mark := -1.0
	limit := ""
	if t := c.opts.MemoryThreshold; t > 0 {
		mark = t
		limit = fmt.Sprintf(" / %.0f%%", t*100)
	}
	free := ""
	if r.TotalBytes > 0 {
		free = fmt.Sprintf(" · %s free of %s", bytesHuman(r.AvailableBytes), bytesHuman(r.TotalBytes))
	}
	browsers := bytesHuman(r.BrowserBytes)
	if r.MemKind != "" {
		browsers += " (" + r.MemKind + ")"
	}
	sw := max(4, iw-resLabel-8)
	body := [][]span{
		label("Memory", append(gauge(fill, r.UsagePercent/100, mark, gw), span{text: fmt.Sprintf(" %3.0f%%%s", r.UsagePercent, limit)})...),
		label("", span{pressure, fill}, span{text: free}),
		label("Browsers", span{text: fmt.Sprintf("%s in %s", browsers, plural(c.snap.LocalWorkers, "worker"))}),
		label("CPU", append(gauge(tInfo, r.CPUPercent/100, -1, gw), span{text: fmt.Sprintf(" %3.0f%%", r.CPUPercent)})...),
		label("Mem %", span{sparkline(memHist, sw, 100), tInfo}, span{text: fmt.Sprintf(" %3.0f%%", r.UsagePercent)}),
		label("POs/min", span{sparkline(c.hist.rate, sw, 0), tOK}, span{text: fmt.Sprintf(" %5.1f", c.hist.currentRate())}),
	}
	if c.snap.Reason != "" {
		body = append(body, label("Why", span{text: c.snap.Reason}))
	}
	return body
}

// gauge is a bar filled to frac with a marker cell at mark (0..1, or
// negative for none). The marker is a different glyph (┃), not a colour.
func gauge(fill tone, frac, mark float64, w int) []span {
	filled, empty, at := gaugeCells(frac, mark, w)
	rs := []rune(filled + empty)
	nFilled := len([]rune(filled))
	toneAt := func(i int) tone {
		switch {
		case i == at:
			return tGaugeMark
		case i < nFilled:
			return fill
		}
		return tGaugeEmpty
	}
	out := []span{{text: "▕"}}
	for i := 0; i < len(rs); {
		j, t := i, toneAt(i)
		for j < len(rs) && toneAt(j) == t {
			j++
		}
		text := string(rs[i:j])
		if t == tGaugeMark {
			text = "┃"
		}
		out = append(out, span{text, t})
		i = j
	}
	return append(out, span{text: "▏"})
}

package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// resourcesPane shows memory (with the threshold marked), the browsers'
// memory, CPU and sparklines of memory and throughput. Owned by the model.
type resourcesPane struct {
	c    *common
	w, h int
	mem  func() []float64 // memory history, oldest first; the model's own when the monitor gives none
}

func (p *resourcesPane) SetSize(w, h int) { p.w, p.h = w, h }
func (p *resourcesPane) Move(action)      {}
func (p *resourcesPane) refresh()         {}
func (p *resourcesPane) Help() []key.Binding {
	return []key.Binding{p.c.keys.scale, p.c.keys.bindings[actPause]}
}

func (p *resourcesPane) View(focused bool) string {
	var mem []float64
	if p.mem != nil {
		mem = p.mem()
	}
	if len(mem) == 0 {
		mem = p.c.hist.mem
	}
	return renderResources(p.c, mem, p.w, p.h, focused)
}

const resLabel = 9 // width of the labels column

// renderResources draws the resources pane.
func renderResources(c *common, memHist []float64, w, h int, focused bool) string {
	st, r := c.st, c.snap.Resources
	iw := w - 2
	gw := max(4, iw-resLabel-14)
	label := func(s string) string { return fit(s, resLabel) }

	pressure := r.Pressure
	if pressure == "" {
		pressure = "ok"
	}
	fill, ok := st.gaugeFill[pressure]
	if !ok {
		fill = st.gaugeFill["ok"]
	}
	mark := -1.0
	limit := ""
	if t := c.opts.MemoryThreshold; t > 0 {
		mark = t
		limit = fmt.Sprintf(" / %.0f%%", t*100)
	}
	body := []string{
		label("Memory") + gauge(st, fill, r.UsagePercent/100, mark, gw) + fmt.Sprintf(" %3.0f%%%s", r.UsagePercent, limit),
	}
	free := ""
	if r.TotalBytes > 0 {
		free = fmt.Sprintf(" · %s free of %s", bytesHuman(r.AvailableBytes), bytesHuman(r.TotalBytes))
	}
	body = append(body, label("")+fill.Render(pressure)+free)
	browsers := bytesHuman(r.BrowserBytes)
	if r.MemKind != "" {
		browsers += " (" + r.MemKind + ")"
	}
	body = append(body, label("Browsers")+fmt.Sprintf("%s in %s", browsers, plural(c.snap.WorkerCount, "worker")))
	body = append(body, label("CPU")+gauge(st, st.info, r.CPUPercent/100, -1, gw)+fmt.Sprintf(" %3.0f%%", r.CPUPercent))
	sw := max(4, iw-resLabel-8)
	body = append(body, label("Mem %")+st.info.Render(sparkline(memHist, sw, 100))+fmt.Sprintf(" %3.0f%%", r.UsagePercent))
	body = append(body, label("POs/min")+st.ok.Render(sparkline(c.hist.rate, sw, 0))+fmt.Sprintf(" %5.1f", c.hist.currentRate()))
	if c.snap.Reason != "" {
		body = append(body, label("Why")+c.snap.Reason)
	}
	return box(st, "Resources", "", focused, w, h, body)
}

// gauge draws a bar filled to frac with a marker cell at mark (0..1, or
// negative for none). The marker is a different glyph (┃), not a colour.
func gauge(st *styles, fill lipgloss.Style, frac, mark float64, w int) string {
	filled, empty, at := gaugeCells(frac, mark, w)
	cells := []rune(filled + empty)
	nFilled := len([]rune(filled))
	class := func(i int) int { // 0 filled, 1 empty, 2 marker
		switch {
		case i == at:
			return 2
		case i < nFilled:
			return 0
		}
		return 1
	}
	var b strings.Builder
	b.WriteString("▕")
	for i := 0; i < len(cells); {
		j, k := i, class(i)
		for j < len(cells) && class(j) == k {
			j++
		}
		switch k {
		case 0:
			b.WriteString(fill.Render(string(cells[i:j])))
		case 1:
			b.WriteString(st.gaugeEmpty.Render(string(cells[i:j])))
		default:
			b.WriteString(st.gaugeMarker.Render("┃"))
		}
		i = j
	}
	b.WriteString("▏")
	return b.String()
}

package coupa_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"coupatui/coupa/sim"
)

// Every supplier markup the simulator serves (the four markers and the
// label) names the supplier, and so the folder: checkPOs checks status,
// supplier and files by hash for each. The marker pages also show a
// "Supplier" label, so Inspect's SupplierFrom tells that each marker, not
// the label, was read.
func TestFieldEverySupplierMarkup(t *testing.T) {
	t.Parallel()
	shared := sharedBrowser.Get(t)
	from := map[int]string{
		sim.SupplierDataName:   "marker span[data-supplier-name]",
		sim.SupplierClassName:  "marker [class*='supplier-name']",
		sim.SupplierInfoSpan:   "marker .supplier-info span",
		sim.SupplierDataTestID: "marker [data-testid*='supplier']",
		sim.SupplierLabel:      `label "Supplier"`,
	}
	var pos []sim.PO
	for markup := range len(from) {
		pos = append(pos, sim.PO{ID: fmt.Sprint(4500003001 + markup), Supplier: fmt.Sprintf("Markup %d Supplies", markup), SupplierMarkup: markup,
			Attachments: []sim.Attachment{att(fmt.Sprintf("order-%d.pdf", markup), 2000+markup, sim.ShapeAttachmentLink)}})
	}
	srv := sim.Start(t, sim.Options{Seed: 30, POs: pos})
	s := newSite(t, srv)
	checkPOs(t, srv, s)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, po := range pos {
		rep, err := s.Inspect(ctx, shared, po.ID)
		if err != nil || rep.Supplier != po.Supplier || rep.SupplierFrom != from[po.SupplierMarkup] {
			t.Errorf("PO %s (markup %d): supplier %q from %q, %v; want %q from %q", po.ID, po.SupplierMarkup,
				rep.Supplier, rep.SupplierFrom, err, po.Supplier, from[po.SupplierMarkup])
		}
	}
}

package store

import (
	"context"
	"errors"
	"testing"

	"coupatui/vocab"
)

// A conversion is kept per PO and file; the latest of the same file
// replaces the earlier, and only the input's POs are read back.
func TestConversionsRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	defer r.Finish(false)
	record(t, r, Transition{PO: "4500000001", State: vocab.TaskDone, Status: "COMPLETED"})
	ctx := context.Background()
	for _, c := range []Conversion{
		{PO: "4500000001", Source: "b.msg", Error: "not an Outlook message"},
		{PO: "4500000001", Source: "a.eml", PDF: "a.eml.pdf", Attachments: 2},
		{PO: "4500000001", Source: "b.msg", PDF: "b.msg.pdf"}, // converted again, this time it worked
		{PO: "4599999999", Source: "other.msg", PDF: "other.msg.pdf"},
	} {
		if err := r.RecordConversion(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.RecordConversion(ctx, Conversion{PO: "1"}); !errors.Is(err, ErrBadTransition) {
		t.Errorf("a conversion without a file: %v", err)
	}
	got, err := s.Conversions("/in.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	cs := got["4500000001"]
	if len(got) != 1 || len(cs) != 2 || cs[0].Source != "a.eml" || cs[0].Attachments != 2 ||
		cs[1].Source != "b.msg" || cs[1].PDF != "b.msg.pdf" || cs[1].Error != "" || cs[1].At.IsZero() {
		t.Errorf("conversions %+v", got)
	}
}

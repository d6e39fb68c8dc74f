package sim

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"coupatui/vocab"
)

func TestNewRefusesInvalidCatalogues(t *testing.T) {
	good := Attachment{Name: "a.pdf", Size: 1}
	cases := map[string]Options{
		"PO id not digits":              {POs: []PO{{ID: "PO123"}}},
		"empty PO id":                   {POs: []PO{{}}},
		"duplicate PO":                  {POs: []PO{{ID: "1"}, {ID: "1"}}},
		"supplier markup 5":             {POs: []PO{{ID: "1", SupplierMarkup: 5}}},
		"error markup 4":                {POs: []PO{{ID: "1", ErrorMarkup: 4}}},
		"NotFound 401":                  {POs: []PO{{ID: "1", NotFound: 401}}},
		"unknown layout":                {POs: []PO{{ID: "1", Layout: 99}}},
		"no section but attachments":    {POs: []PO{{ID: "1", Layout: LayoutNone, Attachments: []Attachment{good}}}},
		"unknown language":              {POs: []PO{{ID: "1", Language: "it"}}},
		"unknown event":                 {POs: []PO{{ID: "1", Attachments: []Attachment{{Name: "a", Shape: ShapeTextOnly, Event: "dblclick"}}}}},
		"NotFound 500":                  {POs: []PO{{ID: "1", NotFound: 500}}},
		"requisition id not digits":     {POs: []PO{{ID: "1", Requisition: "R-1"}}},
		"negative insert delay":         {POs: []PO{{ID: "1", InsertDelay: -1}}},
		"negative size":                 {POs: []PO{{ID: "1", Attachments: []Attachment{{Name: "a", Size: -1}}}}},
		"unknown shape":                 {POs: []PO{{ID: "1", Attachments: []Attachment{{Name: "a", Shape: 99}}}}},
		"newline in name":               {POs: []PO{{ID: "1", Attachments: []Attachment{{Name: "a\nb.pdf"}}}}},
		"NUL in name":                   {POs: []PO{{ID: "1", Attachments: []Attachment{{Name: "a\x00.pdf"}}}}},
		"bad attachment id":             {POs: []PO{{ID: "1", Attachments: []Attachment{{ID: "../x", Name: "a"}}}}},
		"duplicate attachment id":       {POs: []PO{{ID: "1", Attachments: []Attachment{{ID: "x", Name: "a"}}}, {ID: "2", Attachments: []Attachment{{ID: "x", Name: "b"}}}}},
		"CutOnce of 1 byte":             {POs: []PO{{ID: "1", Attachments: []Attachment{{Name: "a", Size: 1, CutOnce: true}}}}},
		"duplicate requisition":         {Requisitions: []Requisition{{ID: "2"}, {ID: "2"}}},
		"requisition own id not digits": {Requisitions: []Requisition{{ID: "x"}}},
		"requisition attachment id clash": {POs: []PO{{ID: "1", Attachments: []Attachment{{ID: "x", Name: "a"}}}},
			Requisitions: []Requisition{{ID: "2", Attachments: []Attachment{{ID: "x", Name: "b"}}}}},
	}
	for name, opts := range cases {
		opts.NoAssets = true
		if s, err := New(opts); err == nil {
			s.Close()
			t.Errorf("%s: accepted", name)
		}
	}
	s := Start(t, Options{POs: []PO{{ID: "1", Attachments: []Attachment{good}}}})
	if s == nil {
		t.Fatal("a valid catalogue was refused")
	}
}

func TestGeneratedIDsAreDeterministicAndUnique(t *testing.T) {
	opts := Demo(1)
	a, b := Start(t, opts), Start(t, opts)
	seen := map[string]bool{}
	for _, po := range a.Catalogue() {
		other, _ := b.PO(po.ID)
		for i, att := range po.Attachments {
			if att.ID == "" || seen[att.ID] {
				t.Errorf("PO %s attachment %d: id %q empty or repeated", po.ID, i, att.ID)
			}
			seen[att.ID] = true
			if other.Attachments[i].ID != att.ID {
				t.Errorf("PO %s attachment %d: ids %s and %s from the same options", po.ID, i, att.ID, other.Attachments[i].ID)
			}
		}
	}
}

func TestAddPOAtRunTime(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500001401", Attachments: []Attachment{{ID: "taken", Name: "a.pdf", Size: 1}}}}})
	c := newClient(t)
	mustStatus(t, c, s.URL()+"/order_headers/4500001402", http.StatusNotFound)
	po := PO{ID: "4500001402", Supplier: "Late Supplier", Attachments: []Attachment{{Name: "late.pdf", Size: 64}}, Want: vocab.Completed}
	if err := s.AddPO(po); err != nil {
		t.Fatalf("AddPO: %v", err)
	}
	_, page := mustStatus(t, c, s.URL()+"/order_headers/4500001402", http.StatusOK)
	contains(t, "added PO page", insertedHTML(t, page), "late.pdf")
	got, ok := s.PO("4500001402")
	if !ok || got.Attachments[0].ID == "" {
		t.Fatalf("PO after AddPO: %+v, %v", got, ok)
	}
	mustStatus(t, c, s.URL()+"/files/"+got.Attachments[0].ID, http.StatusOK)

	if err := s.AddPO(po); err == nil {
		t.Error("a duplicate PO was added")
	}
	clash := PO{ID: "4500001403", Attachments: []Attachment{{Name: "x", Size: 1}, {ID: "taken", Name: "y", Size: 1}}}
	if err := s.AddPO(clash); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("an attachment id clash was accepted: %v", err)
	}
	if _, ok := s.PO("4500001403"); ok {
		t.Error("a refused PO is in the catalogue")
	}
	if err := s.AddRequisition(Requisition{ID: "2100401", Attachments: []Attachment{{Name: "r.pdf", Size: 1}}}); err != nil {
		t.Fatalf("AddRequisition: %v", err)
	}
	if rq, ok := s.Requisition("2100401"); !ok || len(rq.Attachments) != 1 {
		t.Errorf("Requisition after AddRequisition: %+v %v", rq, ok)
	}
}

func TestCatalogueIsSortedAndCopied(t *testing.T) {
	s := Start(t, Options{POs: []PO{{ID: "30"}, {ID: "200", Attachments: []Attachment{{Name: "a", Size: 1}}}, {ID: "100"}, {ID: "4"}}})
	var ids []string
	for _, po := range s.Catalogue() {
		ids = append(ids, po.ID)
	}
	if !slices.Equal(ids, []string{"4", "30", "100", "200"}) {
		t.Errorf("Catalogue order %v", ids)
	}
	po, _ := s.PO("200")
	po.Attachments[0].Name = "changed"
	if again, _ := s.PO("200"); again.Attachments[0].Name != "a" {
		t.Error("PO returned the server's own attachments")
	}
	if _, ok := s.PO("999"); ok {
		t.Error("unknown PO found")
	}
	if s.Expected("999") != nil {
		t.Error("Expected of an unknown PO is not nil")
	}
}

func TestWantForAppliesTheRules(t *testing.T) {
	pdf, xlsx := Attachment{Name: "q.PDF", Size: 1}, Attachment{Name: "r.xlsx", Size: 1}
	s := Start(t, Options{
		POs: []PO{
			{ID: "1", Attachments: []Attachment{pdf}},
			{ID: "2"},
			{ID: "3", NotFound: 200},
			{ID: "4", Hang: true, Attachments: []Attachment{pdf}},
			{ID: "5", Attachments: []Attachment{xlsx}, Requisition: "10"},
			{ID: "6", Attachments: []Attachment{xlsx}, Requisition: "11"},
			{ID: "7", Requisition: "12"},
			{ID: "8", Requisition: "99"},
			{ID: "9", Attachments: []Attachment{pdf}, Requisition: "11"},
		},
		Requisitions: []Requisition{
			{ID: "10", Attachments: []Attachment{pdf}},
			{ID: "11", Denied: true},
			{ID: "12"},
		}})
	want := map[string]vocab.Status{
		"1": vocab.Completed, "2": vocab.NoAttachments, "3": vocab.NotFound, "4": vocab.Timeout,
		"5": vocab.Completed, "6": vocab.PRNotAccessible, "7": vocab.NoAttachments,
		"8": vocab.PRNotAccessible, "9": vocab.Completed,
	}
	for id, w := range want {
		if got, ok := s.WantFor(id); !ok || got != w {
			t.Errorf("WantFor(%s) = %s, want %s", id, got, w)
		}
	}
	if n := len(s.Expected("5")); n != 2 {
		t.Errorf("Expected(5) has %d files, want the PO's and the requisition's", n)
	}
	if n := len(s.Expected("6")); n != 1 {
		t.Errorf("Expected(6) has %d files, want the PO's own", n)
	}
	if _, ok := s.WantFor("404"); ok {
		t.Error("WantFor of an unknown PO reported ok")
	}
}

package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"coupatui/vocab"
)

// poState is one PO and what happened to it; guarded by Server.mu.
type poState struct {
	po        PO   // attachment IDs filled in
	triedOnce bool // FirstTry5xx has answered its 503
}

// reqState is one requisition; guarded by Server.mu.
type reqState struct {
	rq Requisition // attachment IDs filled in
}

// attState is one attachment and its one-shot faults; guarded by Server.mu.
type attState struct {
	a      Attachment
	po     string // owning PO id, "" when a requisition owns it
	req    string // owning requisition id, "" when a PO owns it
	failed bool   // Fail5xxOnce has answered its 503
	fails  int    // 503s Fail5xxTimes has answered
	cut    bool   // CutOnce has cut its download
}

// AddPO adds a PO at run time. It fails, changing nothing, when the PO is
// invalid or its ID or an attachment ID is already taken. (The contract's
// AddPO returned nothing; the error is an addition callers may ignore.)
func (s *Server) AddPO(po PO) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPOLocked(po)
}

// AddRequisition adds a requisition at run time, under the same rules as
// AddPO.
func (s *Server) AddRequisition(rq Requisition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addRequisitionLocked(rq)
}

func (s *Server) addPOLocked(po PO) error {
	if err := validatePO(po); err != nil {
		return err
	}
	if _, dup := s.pos[po.ID]; dup {
		return fmt.Errorf("sim: PO %s already exists", po.ID)
	}
	atts, err := s.registerAttachments(po.Attachments, "PO "+po.ID, attState{po: po.ID})
	if err != nil {
		return err
	}
	po.Attachments = atts
	s.pos[po.ID] = &poState{po: po}
	if po.Requisition != "" {
		s.reqLinks[po.Requisition] = append(s.reqLinks[po.Requisition], po.ID)
	}
	return nil
}

func (s *Server) addRequisitionLocked(rq Requisition) error {
	if !isDigits(rq.ID) {
		return fmt.Errorf("sim: requisition id %q: want digits", rq.ID)
	}
	if _, dup := s.reqs[rq.ID]; dup {
		return fmt.Errorf("sim: requisition %s already exists", rq.ID)
	}
	atts, err := s.registerAttachments(rq.Attachments, "requisition "+rq.ID, attState{req: rq.ID})
	if err != nil {
		return err
	}
	rq.Attachments = atts
	s.reqs[rq.ID] = &reqState{rq: rq}
	return nil
}

// registerAttachments validates atts, then registers a copy with generated
// IDs filled in as owner's (attState with po or req set) and returns it;
// a failure registers nothing, so the server stays as it was. label names
// the owner in errors.
func (s *Server) registerAttachments(atts []Attachment, label string, owner attState) ([]Attachment, error) {
	out := slices.Clone(atts)
	seen := map[string]bool{}
	for i := range out {
		a := &out[i]
		if err := validateAttachment(*a); err != nil {
			return nil, fmt.Errorf("sim: %s attachment %d (%q): %w", label, i, a.Name, err)
		}
		if a.ID != "" {
			if _, taken := s.atts[a.ID]; taken || seen[a.ID] {
				return nil, fmt.Errorf("sim: %s attachment id %q is already taken", label, a.ID)
			}
			seen[a.ID] = true
		}
	}
	for i := range out {
		if out[i].Content != nil {
			out[i].Size = len(out[i].Content)
		}
	}
	next := s.nextAttID
	for i := range out {
		if out[i].ID != "" {
			continue
		}
		for {
			next++
			id := fmt.Sprintf("%d", 70000+next)
			if _, taken := s.atts[id]; !taken && !seen[id] {
				out[i].ID = id
				seen[id] = true
				break
			}
		}
	}
	s.nextAttID = next
	for _, a := range out {
		st := owner
		st.a = a
		s.atts[a.ID] = &st
	}
	return out, nil
}

func validatePO(po PO) error {
	switch {
	case !isDigits(po.ID):
		return fmt.Errorf("sim: PO id %q: want digits", po.ID)
	case po.SupplierMarkup < SupplierDataName || po.SupplierMarkup > SupplierLabel:
		return fmt.Errorf("sim: PO %s: supplier markup %d: want 0..4", po.ID, po.SupplierMarkup)
	case po.ErrorMarkup < ErrorFlashUnderscore || po.ErrorMarkup > ErrorRoleAlert:
		return fmt.Errorf("sim: PO %s: error markup %d: want 0..3", po.ID, po.ErrorMarkup)
	case !slices.Contains([]int{0, 200, 403, 404, 410}, po.NotFound):
		return fmt.Errorf("sim: PO %s: NotFound %d: want 0, 200, 403, 404 or 410", po.ID, po.NotFound)
	case po.Layout < LayoutList || po.Layout > LayoutNone:
		return fmt.Errorf("sim: PO %s: layout %d is unknown", po.ID, int(po.Layout))
	case po.Layout == LayoutNone && len(po.Attachments) > 0:
		return fmt.Errorf("sim: PO %s: LayoutNone shows no attachments section, so it cannot have attachments", po.ID)
	case po.Language != "" && !slices.Contains(Languages, po.Language):
		return fmt.Errorf("sim: PO %s: language %q: want one of %v", po.ID, po.Language, Languages)
	case po.Requisition != "" && !isDigits(po.Requisition):
		return fmt.Errorf("sim: PO %s: requisition id %q: want digits", po.ID, po.Requisition)
	case po.InsertDelay < 0 || po.AllocMB < 0:
		return fmt.Errorf("sim: PO %s: InsertDelay %v and AllocMB %d must not be negative", po.ID, po.InsertDelay, po.AllocMB)
	case strings.ContainsAny(po.Supplier+po.ErrorText, "\x00"):
		return fmt.Errorf("sim: PO %s: supplier or error text holds NUL", po.ID)
	}
	return nil
}

func validateAttachment(a Attachment) error {
	switch {
	case a.ID != "" && !isIDChars(a.ID):
		return fmt.Errorf("id %q: want [A-Za-z0-9_-]", a.ID)
	case a.Size < 0:
		return fmt.Errorf("size %d is negative", a.Size)
	case a.Shape < ShapeAttachmentLink || a.Shape > ShapeRowButton:
		return fmt.Errorf("shape %d is unknown", int(a.Shape))
	case !slices.Contains([]string{"", "click", "mousedown", "pointerdown"}, a.Event):
		return fmt.Errorf("event %q: want click, mousedown or pointerdown", a.Event)
	case strings.ContainsAny(a.Name, "\x00\r\n"):
		return fmt.Errorf("name holds NUL, CR or LF, which no header can carry")
	case a.CutOnce && a.Size < 2:
		return fmt.Errorf("CutOnce needs a size of at least 2 bytes, got %d", a.Size)
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isIDChars(s string) bool {
	for _, c := range []byte(s) {
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// PO returns a copy of the PO with the given id, generated attachment IDs
// filled in.
func (s *Server) PO(id string) (PO, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.pos[id]
	if !ok {
		return PO{}, false
	}
	return copyPO(st.po), true
}

// Requisition returns a copy of the requisition with the given id.
func (s *Server) Requisition(id string) (Requisition, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.reqs[id]
	if !ok {
		return Requisition{}, false
	}
	rq := st.rq
	rq.Attachments = slices.Clone(rq.Attachments)
	return rq, true
}

// Catalogue returns every PO, sorted by ID as numbers (shorter first, then
// lexically).
func (s *Server) Catalogue() []PO {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PO, 0, len(s.pos))
	for _, st := range s.pos {
		out = append(out, copyPO(st.po))
	}
	slices.SortFunc(out, func(a, b PO) int { return compareDigits(a.ID, b.ID) })
	return out
}

func compareDigits(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func copyPO(po PO) PO {
	po.Attachments = slices.Clone(po.Attachments)
	return po
}

// Expected returns the files a correct client ends with for this PO, in
// page order: the PO's own attachments, then, when the PR fallback applies
// and the requisition is readable, the requisition's. It is nil for an
// unknown or not-found PO.
func (s *Server) Expected(poID string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.pos[poID]
	if !ok || st.po.NotFound != 0 || unrecognised(st.po) {
		return nil
	}
	atts := slices.Clone(st.po.Attachments)
	if rq, ok := s.fallbackLocked(st.po); ok && !rq.Denied {
		atts = append(atts, rq.Attachments...)
	}
	var files []File
	for _, a := range atts {
		sum := sha256.Sum256(s.contentLocked(a))
		files = append(files, File{AttachmentID: a.ID, Name: a.Name, Size: a.Size, SHA256: hex.EncodeToString(sum[:])})
	}
	return files
}

// fallbackLocked returns the requisition whose attachments the PR fallback
// adds for po, and whether the fallback applies (no PDF among the PO's own
// attachments and a linked requisition). A linked requisition the server
// does not know is returned Denied, as its page refuses access.
func (s *Server) fallbackLocked(po PO) (Requisition, bool) {
	if po.Requisition == "" || hasPDF(po.Attachments) {
		return Requisition{}, false
	}
	st, ok := s.reqs[po.Requisition]
	if !ok {
		return Requisition{ID: po.Requisition, Denied: true}, true
	}
	return st.rq, true
}

// hasPDF reports whether one of atts is a PDF by its name, which is how a
// client tells from the page whether the PR fallback is needed.
func hasPDF(atts []Attachment) bool {
	for _, a := range atts {
		if strings.HasSuffix(strings.ToLower(a.Name), ".pdf") {
			return true
		}
	}
	return false
}

// WantFor applies the outcome rules (docs/ARCHITECTURE.md) to po as this server would
// serve it: the status a correct client reaches. The Demo's Want fields
// agree with it (a test checks).
func (s *Server) WantFor(poID string) (vocab.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.pos[poID]
	if !ok {
		return vocab.NotFound, false
	}
	po := st.po
	switch {
	case po.NotFound != 0:
		return vocab.NotFound, true
	case po.Hang:
		return vocab.Timeout, true
	case unrecognised(po):
		return vocab.Unrecognised, true
	}
	n := len(po.Attachments)
	if rq, ok := s.fallbackLocked(po); ok {
		if rq.Denied {
			return vocab.PRNotAccessible, true
		}
		n += len(rq.Attachments)
	}
	if n == 0 {
		return vocab.NoAttachments, true
	}
	return vocab.Completed, true
}

// unrecognised reports whether po's page shows neither files, an empty
// list nor an error a correct client can read: no attachments section, or
// a section of items that name no file. Such a client fetches nothing and
// does not follow the requisition.
func unrecognised(po PO) bool {
	return po.Layout == LayoutNone || po.Layout == LayoutUnknown && len(po.Attachments) > 0
}

// insertDelay is how long after load the PO's script fills its list.
func (s *Server) insertDelay(po PO) time.Duration {
	if po.InsertDelay > 0 {
		return po.InsertDelay
	}
	return time.Duration(s.derive("insert", po.ID).IntN(defaultInsertDelayMS+1)) * time.Millisecond
}

package mailtest

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf16"
)

// A minimal writer of Microsoft's Compound File Binary format (MS-CFB),
// version 3 (512-byte sectors): enough for Outlook's .msg layout and for
// github.com/richardlehane/mscfb, which only reads. Streams under 4096
// bytes live in the mini stream (64-byte sectors), as the format requires;
// every FAT sector is listed in the header (up to 109, ~7 MB of file).

const (
	sectorSize     = 512
	miniSectorSize = 64
	miniCutoff     = 4096
	entrySize      = 128

	freeSect   = 0xFFFFFFFF
	endOfChain = 0xFFFFFFFE
	fatSect    = 0xFFFFFFFD
	noStream   = 0xFFFFFFFF
)

// node is a storage (with children) or a stream (with data) of a
// compound file.
type node struct {
	name     string
	data     []byte // a stream's bytes
	children []*node
	storage  bool
}

func storage(name string, children ...*node) *node {
	return &node{name: name, storage: true, children: children}
}

func stream(name string, data []byte) *node { return &node{name: name, data: data} }

// add appends children to a storage and returns it.
func (n *node) add(children ...*node) *node {
	n.children = append(n.children, children...)
	return n
}

// compoundFile lays out the tree under root (the root storage's children)
// as a compound file.
func compoundFile(root *node) []byte {
	// Directory entries in tree order, the root first.
	var entries []*node
	var walk func(n *node)
	walk = func(n *node) {
		entries = append(entries, n)
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(root)
	id := map[*node]uint32{}
	for i, n := range entries {
		id[n] = uint32(i)
	}

	// The mini stream holds the small streams, each starting on a mini
	// sector; the big streams get regular sectors.
	var mini []byte
	var miniFAT []uint32
	start := map[*node]uint32{}
	for _, n := range entries {
		if n.storage || len(n.data) == 0 || len(n.data) >= miniCutoff {
			continue
		}
		first := uint32(len(miniFAT))
		count := (len(n.data) + miniSectorSize - 1) / miniSectorSize
		for i := range count {
			next := uint32(endOfChain)
			if i < count-1 {
				next = first + uint32(i) + 1
			}
			miniFAT = append(miniFAT, next)
		}
		start[n] = first
		mini = append(mini, pad(n.data, miniSectorSize)...)
	}

	var sectors [][]byte // contents, in file order after the header
	var fat []uint32
	chain := func(data []byte) uint32 {
		if len(data) == 0 {
			return endOfChain
		}
		first := uint32(len(sectors))
		data = pad(data, sectorSize)
		count := len(data) / sectorSize
		for i := range count {
			sectors = append(sectors, data[i*sectorSize:(i+1)*sectorSize])
			next := uint32(endOfChain)
			if i < count-1 {
				next = first + uint32(i) + 1
			}
			fat = append(fat, next)
		}
		return first
	}
	miniStart := chain(mini)
	for _, n := range entries {
		if !n.storage && len(n.data) >= miniCutoff {
			start[n] = chain(n.data)
		}
	}
	var miniFATBytes []byte
	for _, v := range miniFAT {
		miniFATBytes = binary.LittleEndian.AppendUint32(miniFATBytes, v)
	}
	miniFATStart := chain(miniFATBytes)
	miniFATSectors := (len(miniFATBytes) + sectorSize - 1) / sectorSize

	dir := make([]byte, 0, len(entries)*entrySize)
	for _, n := range entries {
		e := make([]byte, entrySize)
		name := utf16.Encode([]rune(n.name))
		if len(name) > 31 {
			panic("mailtest: compound file name longer than 31 characters: " + n.name)
		}
		for i, c := range name {
			binary.LittleEndian.PutUint16(e[2*i:], c)
		}
		binary.LittleEndian.PutUint16(e[64:], uint16(2*len(name)+2))
		switch {
		case n == root:
			e[66] = 5
		case n.storage:
			e[66] = 1
		default:
			e[66] = 2
		}
		e[67] = 1 // black: every reader walks the tree as a plain binary tree
		binary.LittleEndian.PutUint32(e[68:], noStream)
		binary.LittleEndian.PutUint32(e[72:], noStream)
		binary.LittleEndian.PutUint32(e[76:], noStream)
		if n.storage && len(n.children) > 0 {
			binary.LittleEndian.PutUint32(e[76:], id[siblingTree(n.children)])
		}
		switch {
		case n == root:
			binary.LittleEndian.PutUint32(e[116:], miniStart)
			binary.LittleEndian.PutUint32(e[120:], uint32(len(mini)))
		case n.storage:
		case len(n.data) == 0:
			binary.LittleEndian.PutUint32(e[116:], endOfChain)
		default:
			binary.LittleEndian.PutUint32(e[116:], start[n])
			binary.LittleEndian.PutUint32(e[120:], uint32(len(n.data)))
		}
		dir = append(dir, e...)
	}
	// Sibling links are filled once every entry has its bytes.
	for _, n := range entries {
		if n.storage {
			linkSiblings(n.children, id, dir)
		}
	}
	for len(dir)%sectorSize != 0 { // unused entries: empty, no siblings
		e := make([]byte, entrySize)
		binary.LittleEndian.PutUint32(e[68:], noStream)
		binary.LittleEndian.PutUint32(e[72:], noStream)
		binary.LittleEndian.PutUint32(e[76:], noStream)
		dir = append(dir, e...)
	}
	dirStart := chain(dir)

	// The FAT covers every sector, its own included.
	nFAT := 0
	for (len(sectors)+nFAT+sectorSize/4-1)/(sectorSize/4) > nFAT {
		nFAT++
	}
	if nFAT > 109 {
		panic("mailtest: compound file too large for a header-only DIFAT")
	}
	fatStart := uint32(len(sectors))
	for range nFAT {
		fat = append(fat, fatSect)
	}
	for len(fat)%(sectorSize/4) != 0 {
		fat = append(fat, freeSect)
	}
	var fatBytes []byte
	for _, v := range fat {
		fatBytes = binary.LittleEndian.AppendUint32(fatBytes, v)
	}

	h := make([]byte, sectorSize)
	copy(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	binary.LittleEndian.PutUint16(h[24:], 0x003E) // minor version
	binary.LittleEndian.PutUint16(h[26:], 0x0003) // major version 3
	binary.LittleEndian.PutUint16(h[28:], 0xFFFE) // little-endian
	binary.LittleEndian.PutUint16(h[30:], 9)      // 512-byte sectors
	binary.LittleEndian.PutUint16(h[32:], 6)      // 64-byte mini sectors
	binary.LittleEndian.PutUint32(h[44:], uint32(nFAT))
	binary.LittleEndian.PutUint32(h[48:], dirStart)
	binary.LittleEndian.PutUint32(h[56:], miniCutoff)
	binary.LittleEndian.PutUint32(h[60:], miniFATStart)
	binary.LittleEndian.PutUint32(h[64:], uint32(miniFATSectors))
	binary.LittleEndian.PutUint32(h[68:], endOfChain) // no DIFAT sectors
	for i := range 109 {
		v := uint32(freeSect)
		if i < nFAT {
			v = fatStart + uint32(i)
		}
		binary.LittleEndian.PutUint32(h[76+4*i:], v)
	}

	out := append([]byte(nil), h...)
	for _, s := range sectors {
		out = append(out, s...)
	}
	return append(out, fatBytes...)
}

// compareNames orders sibling entries as MS-CFB does: shorter names
// first, then by upper-cased UTF-16 code units.
func compareNames(a, b string) int {
	ua, ub := utf16.Encode([]rune(strings.ToUpper(a))), utf16.Encode([]rune(strings.ToUpper(b)))
	if len(ua) != len(ub) {
		return len(ua) - len(ub)
	}
	return slices.Compare(ua, ub)
}

// siblingTree returns the node at the top of the balanced binary tree of
// children (the storage's child link points at it).
func siblingTree(children []*node) *node {
	sorted := sortedNames(children)
	return sorted[len(sorted)/2]
}

func sortedNames(children []*node) []*node {
	sorted := slices.Clone(children)
	slices.SortFunc(sorted, func(a, b *node) int { return compareNames(a.name, b.name) })
	return sorted
}

// linkSiblings writes the left and right links of a balanced binary tree
// over the sorted children into their directory entries.
func linkSiblings(children []*node, id map[*node]uint32, dir []byte) {
	var build func(s []*node)
	build = func(s []*node) {
		if len(s) == 0 {
			return
		}
		mid := len(s) / 2
		e := dir[int(id[s[mid]])*entrySize:]
		if left := s[:mid]; len(left) > 0 {
			binary.LittleEndian.PutUint32(e[68:], id[left[len(left)/2]])
		}
		if right := s[mid+1:]; len(right) > 0 {
			binary.LittleEndian.PutUint32(e[72:], id[right[len(right)/2]])
		}
		build(s[:mid])
		build(s[mid+1:])
	}
	build(sortedNames(children))
}

func pad(b []byte, to int) []byte {
	if r := len(b) % to; r != 0 {
		b = append(slices.Clip(b), make([]byte, to-r)...)
	}
	return b
}

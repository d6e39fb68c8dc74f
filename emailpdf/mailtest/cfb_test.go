package mailtest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"
)

// The compound files written here read back with mscfb, byte for byte:
// small streams (mini stream), large ones (FAT chains, several FAT
// sectors), empty ones, nested storages and many siblings.
func TestCompoundFileReadsBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := map[string][]byte{}
	root := storage("Root Entry")
	sizes := []int{0, 1, 63, 64, 65, 4095, 4096, 4097, 70_000, 200_000}
	for i, size := range sizes {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		name := fmt.Sprintf("__substg1.0_%04X0102", i)
		root.add(stream(name, b))
		want[name] = b
	}
	sub := storage("__attach_version1.0_#00000000")
	for i := range 40 {
		name := fmt.Sprintf("s%02d", i)
		b := []byte(strings.Repeat(name, i+1))
		sub.add(stream(name, b))
		want[sub.name+"/"+name] = b
	}
	root.add(sub, storage("empty"))
	file := compoundFile(root)

	doc, err := mscfb.New(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		if e.FileInfo().IsDir() {
			continue
		}
		b, err := io.ReadAll(e)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		got[strings.Join(append(append([]string(nil), e.Path...), e.Name), "/")] = b
	}
	for name, b := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("stream %s missing; have %d streams", name, len(got))
			continue
		}
		if !bytes.Equal(g, b) {
			t.Errorf("stream %s: %d bytes back, want %d", name, len(g), len(b))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d streams back, want %d", len(got), len(want))
	}
}

package sim

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// asset is one heavy resource the pages reference.
type asset struct {
	contentType string
	body        []byte
}

// heavyAssets are built once per process: the same bytes for every server,
// so they cost their memory once. Pages reference them unless NoAssets;
// they are served with no-store so every page load fetches them again,
// which makes a client's resource blocking visible in Stats.Assets.
var heavyAssets = sync.OnceValue(func() map[string]asset {
	png := noisePNG(600, 560) // ~1 MB: RGB noise in stored (uncompressed) deflate blocks
	return map[string]asset{
		"img/banner.png":         {"image/png", png},
		"img/dashboard.png":      {"image/png", png},
		"fonts/coupa-sans.woff2": {"font/woff2", noiseWithMagic("wOF2", 500<<10, 2)},
		"media/poster.jpg":       {"image/jpeg", noiseWithMagic("\xff\xd8\xff\xe0", 200<<10, 3)},
		"media/intro.mp4":        {"video/mp4", noiseWithMagic("\x00\x00\x00\x18ftypmp42", 400<<10, 4)},
	}
})

// handleAsset serves the heavy images, font and media (Range requests
// included, as media elements make them). They need no session, like a
// real site's static files.
func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := heavyAssets()[r.PathValue("path")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.stats.Assets++
	s.mu.Unlock()
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// handlePoll is the long-poll a LongPoll page opens: it sends its headers
// at once, then holds the body open until the client goes away or the
// server closes, so the page's network never becomes idle.
func (s *Server) handlePoll(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if err := http.NewResponseController(w).Flush(); err != nil {
		return
	}
	<-r.Context().Done()
}

// noisePNG is a valid w×h RGB PNG of pseudo-random pixels, stored without
// compression so its size is about 3·w·h bytes and building it is cheap.
func noisePNG(w, h int) []byte {
	rng := rand.NewChaCha8([32]byte{'p', 'n', 'g'})
	raw := make([]byte, h*(1+3*w))
	rng.Read(raw)
	for y := range h {
		raw[y*(1+3*w)] = 0 // filter: none
	}
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.NoCompression) // errs only for an invalid level
	zw.Write(raw)
	zw.Close()

	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	pngChunk(&out, "IHDR", ihdr)
	pngChunk(&out, "IDAT", idat.Bytes())
	pngChunk(&out, "IEND", nil)
	return out.Bytes()
}

func pngChunk(out *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	out.WriteString(kind)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}

func noiseWithMagic(magic string, size int, key byte) []byte {
	b := make([]byte, size)
	rand.NewChaCha8([32]byte{key}).Read(b)
	copy(b, magic)
	return b
}

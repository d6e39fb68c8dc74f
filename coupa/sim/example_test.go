package sim_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"coupatui/coupa/sim"
)

func ExampleNew() {
	s, err := sim.New(sim.Options{Seed: 1, NoAssets: true, POs: []sim.PO{{
		ID:          "4500000001",
		Supplier:    "Acme",
		Attachments: []sim.Attachment{{Name: "quote.pdf", Size: 4096, Shape: sim.ShapeDownloadAttr}},
	}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	resp, err := http.Get(s.URL() + "/order_headers/4500000001")
	if err != nil {
		fmt.Println(err)
		return
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()

	fmt.Println(resp.StatusCode, strings.Contains(string(page), `<h1>Purchase Order #4500000001</h1>`))
	for _, f := range s.Expected("4500000001") {
		fmt.Println(f.Name, f.Size)
	}
	fmt.Println("page loads:", s.Stats().Pages["4500000001"])
	// Output:
	// 200 true
	// quote.pdf 4096
	// page loads: 1
}

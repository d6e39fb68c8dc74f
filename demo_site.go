package main

import (
	"fmt"

	"coupatui/coupa/sim"
	"coupatui/run"
)

// demoSite is the simulated Coupa of `coupatui demo`, as the run package
// sees it; main alone imports the simulator.
type demoSite struct{ *sim.Server }

func startDemoSite() (demoSite, error) {
	srv, err := sim.New(sim.Demo(1))
	if err != nil {
		return demoSite{}, fmt.Errorf("starting the simulated Coupa: %w", err)
	}
	return demoSite{srv}, nil
}

func (s demoSite) POs() []run.DemoPO {
	cat := s.Catalogue()
	pos := make([]run.DemoPO, len(cat))
	for i, po := range cat {
		pos[i] = run.DemoPO{ID: po.ID, Want: po.Want}
	}
	return pos
}

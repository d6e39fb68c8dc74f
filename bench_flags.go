package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"coupatui/config"
)

// benchFlags are bench's command line.
type benchFlags struct {
	configPath     string
	workers        []config.Count
	depths         []int // nil: the configuration's pipeline_depth
	latency        time.Duration
	pos            int
	minAtt, maxAtt int
	size           int64
	profileMB      int
	json           bool
	dir            string     // where the runs' files go; "" = a temporary folder removed at the end
	remotes        remoteFlag // --remote [SLOTS@]URL, repeatable: endpoints every run also uses
	hosts          int        // Chromium hosts on loopback bench starts for the runs
	hostSlots      int        // slots of each of them
}

func parseBenchFlags(args []string) (*benchFlags, error) {
	f := &benchFlags{}
	fs := flag.NewFlagSet("coupatui bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	workers := fs.String("workers", "1,2,4,8", "")
	depths := fs.String("pipeline-depth", "", "")
	atts := fs.String("attachments", "0-4", "")
	size := fs.String("size", "200KB", "")
	fs.StringVar(&f.configPath, "config", "", "")
	fs.DurationVar(&f.latency, "latency", 500*time.Millisecond, "")
	fs.IntVar(&f.pos, "pos", 200, "")
	fs.IntVar(&f.profileMB, "profile-mb", 100, "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.dir, "dir", "", "")
	fs.Var(&f.remotes, "remote", "")
	fs.IntVar(&f.hosts, "hosts", 0, "")
	fs.IntVar(&f.hostSlots, "host-slots", 2, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		if f.remotes.err != nil { // the flag package's message would quote the URL, token and all
			return nil, fmt.Errorf("bench: %w", f.remotes.err)
		}
		return nil, fmt.Errorf("bench: %w (coupatui help lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("bench: unexpected argument %q (coupatui help lists the flags)", fs.Arg(0))
	}
	for _, w := range strings.Split(*workers, ",") {
		c, err := parseCount(w)
		if err != nil || !c.Auto && (c.N < 0 || c.N > config.MaxWorkerLimit) {
			return nil, fmt.Errorf("bench: --workers %q: want worker counts from 0 (remote browsers only) to %d or \"auto\", separated by commas, e.g. 1,2,4,8", *workers, config.MaxWorkerLimit)
		}
		f.workers = append(f.workers, c)
	}
	if *depths != "" {
		for _, d := range strings.Split(*depths, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(d))
			if err != nil || n < 1 || n > config.MaxPipelineDepth {
				return nil, fmt.Errorf("bench: --pipeline-depth %q: want depths from 1 to %d separated by commas, e.g. 1,2", *depths, config.MaxPipelineDepth)
			}
			f.depths = append(f.depths, n)
		}
	}
	lo, hi, ok := strings.Cut(*atts, "-")
	if !ok {
		hi = lo
	}
	var err1, err2 error
	f.minAtt, err1 = strconv.Atoi(strings.TrimSpace(lo))
	f.maxAtt, err2 = strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || f.minAtt < 0 || f.maxAtt < f.minAtt || f.maxAtt > 100 {
		return nil, fmt.Errorf("bench: --attachments %q: want a count like 3 or a range like 0-4 (at most 100)", *atts)
	}
	var err error
	if f.size, err = parseSize(*size); err != nil || f.size < 1 || f.size > 1<<30 {
		return nil, fmt.Errorf("bench: --size %q: want a size like 200KB or 2MB (1 byte to 1 GB)", *size)
	}
	switch {
	case f.pos < 1 || f.pos > 1_000_000:
		return nil, fmt.Errorf("bench: --pos %d: want 1 to 1000000", f.pos)
	case f.latency < 0 || f.latency > time.Minute:
		return nil, fmt.Errorf("bench: --latency %s: want 0 to 1m", f.latency)
	case f.profileMB < 0 || f.profileMB > 10_000:
		return nil, fmt.Errorf("bench: --profile-mb %d: want 0 (an empty profile) to 10000", f.profileMB)
	case f.hosts < 0 || f.hosts > 16:
		return nil, fmt.Errorf("bench: --hosts %d: want 0 to 16 Chromium hosts", f.hosts)
	case f.hostSlots < 1 || f.hostSlots > config.MaxWorkerLimit:
		return nil, fmt.Errorf("bench: --host-slots %d: want 1 to %d slots a host", f.hostSlots, config.MaxWorkerLimit)
	}
	return f, nil
}

// checkEndpoints refuses a run with no browser at all: --workers 0 needs
// endpoints (of the configuration, --remote or --hosts).
func (f *benchFlags) checkEndpoints(endpoints []config.Endpoint) error {
	if len(endpoints) > 0 || f.hosts > 0 {
		return nil
	}
	for _, w := range f.workers {
		if !w.Auto && w.N == 0 {
			return errors.New("bench: --workers 0: no browser would be left; give remote ones with --remote [SLOTS@]URL or --hosts N")
		}
	}
	return nil
}

// parseSize reads 200KB, 2MB, 512B or 4096 (bytes); K and M are 1024-based.
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

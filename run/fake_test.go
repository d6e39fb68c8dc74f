package run

import (
	"context"
	"log/slog"

	"coupatui/coupa"
	"coupatui/pool/pooltest"
)

// script is one attempt of one PO, as the tests here write it.
type script func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result

// fakeEngine is pooltest's engine running s for every attempt: the pool's
// real code runs, no browser does.
func fakeEngine(s script) *pooltest.Engine {
	return pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, _ *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		return s(ctx, job, progress)
	}))
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Package pool runs POs on a pool of persistent browsers: a priority queue,
// workers that each own one browser (local, or a slot of a remote
// endpoint), a supervisor that heals them, live control (priorities,
// cancel, scale, pause), a memory-pressure policy, holds that stop dispatch
// (journal, disk full, sign-in), a Recorder that writes each transition
// before the pool applies it, graceful shutdown, typed events and cheap
// snapshots. It draws nothing.
package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"coupatui/vocab"
)

// Deps are the pool's collaborators.
type Deps struct {
	Engine   Engine
	Monitor  Monitor  // optional: without it there is no memory policy
	Recorder Recorder // optional: the journal; without it nothing is recorded
	Logger   *slog.Logger
	// Rand jitters the retry and restart backoffs, so failures that
	// happened together do not come back together; nil: seeded at random.
	// Tests give a seeded one (or pooltest.NoJitter) to stay deterministic.
	Rand *rand.Rand
}

// Item is one PO to submit.
type Item struct {
	PO       string
	Priority vocab.Priority
	Meta     Meta
}

// Reasons a running attempt's context is cancelled.
var (
	errCancelledByOperator = errors.New("cancelled by operator")
	errCancelledByShutdown = errors.New("cancelled by shutdown")
	errTaskTimeout         = errors.New("task timed out")
)

// Pool is the worker pool. Every field below mu is guarded by it; the
// goroutines it starts (workers, supervisor, sample loop) are counted in wg
// and stopped by Shutdown.
type Pool struct {
	cfg    Config
	engine Engine
	mon    Monitor
	log    *slog.Logger

	rec       Recorder
	runCtx    context.Context // parent of every attempt and launch; cancelled once nothing runs
	runCancel context.CancelFunc
	recCtx    context.Context // bounds the recorder's calls; cancelled when the pool stopped, or when Close gives up
	recCancel context.CancelFunc
	// printCtx bounds PrintPDF calls: a graceful drain lets them finish,
	// Close (and the end of the drain) cancels them.
	printCtx    context.Context
	printCancel context.CancelFunc
	wg          sync.WaitGroup
	stopped     chan struct{} // closed when Shutdown finished

	mu            sync.Mutex
	changed       chan struct{} // closed and replaced on every change workers wait on
	logq          []slog.Record // log lines made under mu, not yet written (see log.go)
	logging       bool          // a goroutine is writing logq out
	logIdle       chan struct{} // closed when that goroutine is done
	began         bool
	started       time.Time
	startReturned bool
	paused        bool              // by the operator
	holds         map[Hold]HoldInfo // conditions that stop dispatch until released
	draining      bool
	forced        bool
	settling      int // outcomes being recorded outside the lock; the drain waits for them
	finished      bool
	reason        string
	drainUntil    time.Time

	rnd      *rand.Rand // jitter of backoffs
	queue    queue
	tasks    map[string]*task // latest task per PO
	running  map[uint64]*task // running attempts
	retrying map[uint64]*task // waiting for a retry backoff
	done     []*task          // in finish order
	nextID   uint64
	counts   Counts
	subs     map[*Subscription]struct{}
	seq      uint64
	sorted   []*task // cached queue.sorted() for deep or filtered views
	sortedAt uint64  // queue.version sorted was taken at
	// taskChanges counts changes to tasks outside the queue (state,
	// progress, errors, outcome, leaving the running or retry set); with
	// queue.version it makes taskGenLocked.
	taskChanges uint64

	workers       map[int]*worker
	nextWorker    int
	targetWorkers int // what the operator asked for
	policy        *policy
	resources     Resources
	checkedAuth   bool // a worker confirmed the session since the last sign-in
	checking      bool // a worker is checking the session now
	lastLaunch    error
}

// New validates cfg and returns a pool that runs nothing until Start.
func New(cfg Config, deps Deps) (*Pool, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if deps.Engine == nil {
		return nil, errors.New("pool: no engine")
	}
	if _, ok := deps.Engine.(RemoteEngine); len(cfg.Endpoints) > 0 && !ok {
		return nil, errors.New("pool: remote endpoints given, but the engine cannot connect to them")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rnd := deps.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	ctx, cancel := context.WithCancel(context.Background())
	recCtx, recCancel := context.WithCancel(context.Background())
	printCtx, printCancel := context.WithCancel(context.Background())
	p := &Pool{
		rec:           deps.Recorder,
		recCtx:        recCtx,
		recCancel:     recCancel,
		printCtx:      printCtx,
		printCancel:   printCancel,
		cfg:           cfg,
		engine:        deps.Engine,
		mon:           deps.Monitor,
		log:           log,
		rnd:           rnd,
		runCtx:        ctx,
		runCancel:     cancel,
		stopped:       make(chan struct{}),
		changed:       make(chan struct{}),
		tasks:         make(map[string]*task),
		running:       make(map[uint64]*task),
		retrying:      make(map[uint64]*task),
		holds:         make(map[Hold]HoldInfo),
		subs:          make(map[*Subscription]struct{}),
		workers:       make(map[int]*worker),
		targetWorkers: cfg.WorkerCount,
		counts:        Counts{ByStatus: make(map[vocab.Status]int)},
		policy:        newPolicy(cfg.Policy, cfg.MinWorkers, cfg.MaxWorkers),
	}
	return p, nil
}

// Start launches the workers and returns when all have started or
// worker_startup_timeout passed; workers that failed keep retrying in the
// background. A remote slot its endpoint refused (unreachable, browserless's
// 429) does not hold Start: the refusal is its answer. It fails only when
// no worker started at all.
func (p *Pool) Start(ctx context.Context) error {
	p.mu.Lock()
	if p.began {
		p.unlock()
		return errors.New("pool: already started")
	}
	p.began = true
	p.started = time.Now()
	p.spawnRemoteLocked()
	p.rebalanceLocked()
	p.unlock()

	p.wg.Add(1)
	go p.supervise()
	if p.mon != nil {
		samples, unsubscribe := p.mon.Subscribe()
		p.wg.Add(1)
		go p.followSamples(samples, unsubscribe)
	}

	deadline := time.NewTimer(p.cfg.WorkerStartupTimeout)
	defer deadline.Stop()
	p.mu.Lock()
	defer p.unlock()
wait:
	for !p.allLaunchedLocked() && !p.draining {
		ch := p.changed
		p.unlock()
		select {
		case <-ch:
			p.mu.Lock()
		case <-deadline.C:
			p.mu.Lock()
			break wait
		case <-ctx.Done():
			p.mu.Lock()
			break wait
		}
	}
	p.startReturned = true
	p.broadcastLocked()
	if p.anyLaunchedLocked() || p.draining {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("pool: start: %w", ctx.Err())
	}
	err := p.lastLaunch
	if err == nil {
		err = errors.New("no worker started in time")
	}
	return fmt.Errorf("pool: no browser started within %s: %w", p.cfg.WorkerStartupTimeout, err)
}

func (p *Pool) allLaunchedLocked() bool {
	for _, w := range p.workers {
		refused := w.endpoint != 0 && w.failures > 0
		if w.state != WorkerStopped && !w.launched && !refused {
			return false
		}
	}
	return true
}

func (p *Pool) anyLaunchedLocked() bool {
	for _, w := range p.workers {
		if w.launched {
			return true
		}
	}
	return false
}

package pool

import (
	"container/heap"
	"slices"

	"coupatui/vocab"
)

// queue is the priority heap of waiting tasks: higher priority first, then
// lower order. Tasks entering normally take increasing orders (FIFO); a task
// put back after a crash or a retry takes a decreasing negative order, so it
// goes to the front of its priority. The pool's mutex guards it.
type queue struct {
	items   []*task
	back    int64                 // next order for the back of a priority
	front   int64                 // next order for the front of a priority
	version uint64                // bumped on every change; invalidates sorted views
	byPrio  [vocab.Urgent + 1]int // queued tasks of each priority
}

func (q *queue) Len() int { return len(q.items) }

func (q *queue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if a.priority != b.priority {
		return a.priority > b.priority
	}
	return a.order < b.order
}

func (q *queue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	q.items[i].index = i
	q.items[j].index = j
}

// Push and Pop are for container/heap only; use push, pushFront, pop, remove, fix.
func (q *queue) Push(x any) {
	t := x.(*task)
	t.index = len(q.items)
	q.items = append(q.items, t)
}

func (q *queue) Pop() any {
	n := len(q.items) - 1
	t := q.items[n]
	q.items[n] = nil
	q.items = q.items[:n]
	t.index = -1
	return t
}

// push adds t at the back of its priority.
func (q *queue) push(t *task) {
	q.back++
	t.order = q.back
	heap.Push(q, t)
	q.byPrio[t.priority]++
	q.version++
}

// pushFront adds t at the front of its priority.
func (q *queue) pushFront(t *task) {
	q.front--
	t.order = q.front
	heap.Push(q, t)
	q.byPrio[t.priority]++
	q.version++
}

// pop removes and returns the next task to run, nil when empty.
func (q *queue) pop() *task {
	if len(q.items) == 0 {
		return nil
	}
	q.version++
	t := heap.Pop(q).(*task)
	q.byPrio[t.priority]--
	return t
}

// remove takes t out of the queue; it reports false when t was not queued.
func (q *queue) remove(t *task) bool {
	if t.index < 0 || t.index >= len(q.items) || q.items[t.index] != t {
		return false
	}
	heap.Remove(q, t.index)
	q.byPrio[t.priority]--
	q.version++
	return true
}

// reprioritise moves a queued t to priority p, at the back of it.
func (q *queue) reprioritise(t *task, p vocab.Priority) {
	q.byPrio[t.priority]--
	q.byPrio[p]++
	t.priority = p
	q.back++
	t.order = q.back
	heap.Fix(q, t.index)
	q.version++
}

// walk calls yield with queued tasks in dispatch order until it returns false.
// It costs O(k log k) for the first k tasks: a second heap of candidates
// walks the first heap without disturbing it.
func (q *queue) walk(yield func(*task) bool) {
	if len(q.items) == 0 {
		return
	}
	c := &sliceHeap[int]{items: []int{0}, less: q.Less} // indexes into q.items, ordered like q
	for len(c.items) > 0 {
		i := heap.Pop(c).(int)
		if !yield(q.items[i]) {
			return
		}
		for _, child := range [2]int{2*i + 1, 2*i + 2} {
			if child < len(q.items) {
				heap.Push(c, child)
			}
		}
	}
}

// sorted returns every queued task in dispatch order (a new slice).
func (q *queue) sorted() []*task {
	out := slices.Clone(q.items)
	slices.SortFunc(out, func(a, b *task) int {
		if a.priority != b.priority {
			return int(b.priority - a.priority)
		}
		if a.order < b.order {
			return -1
		}
		return 1
	})
	return out
}

// sliceHeap is a container/heap of values ordered by less.
type sliceHeap[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (h *sliceHeap[T]) Len() int           { return len(h.items) }
func (h *sliceHeap[T]) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *sliceHeap[T]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *sliceHeap[T]) Push(x any)         { h.items = append(h.items, x.(T)) }
func (h *sliceHeap[T]) Pop() any {
	n := len(h.items) - 1
	x := h.items[n]
	h.items = h.items[:n]
	return x
}

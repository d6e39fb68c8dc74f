package pool

import (
	"fmt"
	"testing"

	"coupatui/vocab"
)

func pos(q *queue) []string {
	var out []string
	for t := q.pop(); t != nil; t = q.pop() {
		out = append(out, t.po)
	}
	return out
}

func newTask(po string, p vocab.Priority) *task {
	return &task{po: po, priority: p, index: -1}
}

func TestQueueOrder(t *testing.T) {
	var q queue
	q.push(newTask("low1", vocab.Low))
	q.push(newTask("norm1", vocab.Normal))
	q.push(newTask("urg1", vocab.Urgent))
	q.push(newTask("norm2", vocab.Normal))
	q.push(newTask("high1", vocab.High))
	q.push(newTask("urg2", vocab.Urgent))
	q.push(newTask("low2", vocab.Low))
	want := "[urg1 urg2 high1 norm1 norm2 low1 low2]"
	if got := fmt.Sprint(pos(&q)); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
}

func TestQueuePushFrontAndReprioritise(t *testing.T) {
	var q queue
	a, b, c, d := newTask("a", vocab.Normal), newTask("b", vocab.Normal), newTask("c", vocab.Normal), newTask("d", vocab.Low)
	for _, x := range []*task{a, b, c, d} {
		q.push(x)
	}
	back := q.pop() // a
	if back != a {
		t.Fatalf("first pop %s, want a", back.po)
	}
	q.pushFront(a) // a retried: front of Normal again, ahead of b
	q.reprioritise(d, vocab.Urgent)
	q.reprioritise(b, vocab.Low) // b drops behind d's old place, at the back of Low
	if !q.remove(c) {
		t.Fatal("remove c: not found")
	}
	if q.remove(c) {
		t.Fatal("removing c twice succeeded")
	}
	want := "[d a b]"
	if got := fmt.Sprint(pos(&q)); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
}

func TestQueueWalkMatchesSorted(t *testing.T) {
	var q queue
	for i := range 500 {
		x := newTask(fmt.Sprintf("%06d", i), vocab.Priority(i*7%4))
		if i%11 == 0 {
			q.pushFront(x)
		} else {
			q.push(x)
		}
	}
	sorted := q.sorted()
	i := 0
	q.walk(func(x *task) bool {
		if x != sorted[i] {
			t.Fatalf("walk[%d] = %s, sorted[%d] = %s", i, x.po, i, sorted[i].po)
		}
		i++
		return true
	})
	if i != q.Len() {
		t.Fatalf("walk visited %d of %d", i, q.Len())
	}
	var popped []*task
	for x := q.pop(); x != nil; x = q.pop() {
		popped = append(popped, x)
	}
	for i := range popped {
		if popped[i] != sorted[i] {
			t.Fatalf("pop[%d] = %s, sorted %s", i, popped[i].po, sorted[i].po)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{1, "2s"}, {2, "4s"}, {3, "8s"}, {6, "1m0s"}, {40, "1m0s"}} {
		if got := backoff(2e9, 60e9, c.n).String(); got != c.want {
			t.Errorf("backoff(2s, 1m, %d) = %s, want %s", c.n, got, c.want)
		}
	}
}

package pool

import "reflect"

// NeverRanIntact reports whether the taskRun shared by the tasks that
// never ran is still as made: a write to it would show in every such task.
func NeverRanIntact() bool { return reflect.DeepEqual(neverRan, taskRun{worker: -1}) }

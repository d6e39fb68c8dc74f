// Package monitor samples the machine's memory and CPU, the cgroup limit the
// process lives under, and the memory and CPU of each tracked browser process
// tree; it keeps a history ring, derives a memory-pressure state with
// hysteresis, and tells subscribers and threshold callbacks about changes.
//
// The monitor only reports. What to do about pressure (scale the pool down,
// recycle a browser, pause dispatch) is the pool's decision.
//
// Browser memory is the proportional set size (PSS) summed over the browser's
// whole process tree: summing RSS counts every shared page once per process
// and reports roughly three times the real footprint of an idle Chromium.
package monitor

package profiles

import "runtime"

const isDarwin = runtime.GOOS == "darwin"

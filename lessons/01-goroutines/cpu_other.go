//go:build !unix && !windows

package goroutines

import "time"

// processCPU is unknown here: the parallelism findings read 0.
func processCPU() time.Duration { return 0 }

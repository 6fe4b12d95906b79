//go:build !linux

package servers

// osThreads is the number of OS threads the runtime has created: Go
// never destroys idle threads, so this is also an upper bound of those
// alive now.
func osThreads() (int, string) {
	return threadsCreated(), "threads created (pprof threadcreate)"
}

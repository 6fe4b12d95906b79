package leak

// Start returns a channel that nobody ever sends on, and a goroutine
// that waits for it forever.
func Start() chan int {
	ch := make(chan int)
	go func() {
		<-ch
	}()
	return ch
}

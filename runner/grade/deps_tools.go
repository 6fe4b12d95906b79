//go:build tools

package grade

// go-deadlock is never imported by conclab's own code: the lock-order
// check swaps it into copies of the code under test, through a temporary
// go.mod (godeadlock.go). This import, in a file no build selects, keeps
// it in go.mod and go.sum, so that `go mod download` (make deps) fetches
// it with the rest and `go mod tidy` keeps it.
import _ "github.com/sasha-s/go-deadlock"

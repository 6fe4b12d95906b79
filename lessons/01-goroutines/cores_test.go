package goroutines

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRestoreGOMAXPROCS(t *testing.T) {
	original := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(original) })

	// From the default: back to the default's value.
	runtime.SetDefaultGOMAXPROCS()
	def := runtime.GOMAXPROCS(0)
	previous := runtime.GOMAXPROCS(1)
	restoreGOMAXPROCS(previous)
	assert.Equal(t, def, runtime.GOMAXPROCS(0), "restored to the default")

	// From a setting made by hand (here 3, whatever the default): back to
	// that setting, not to the default.
	runtime.GOMAXPROCS(3)
	previous = runtime.GOMAXPROCS(1)
	restoreGOMAXPROCS(previous)
	assert.Equal(t, 3, runtime.GOMAXPROCS(0), "a setting made by hand comes back")
}

package goroutines_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	goroutines "github.com/conclab/conclab/lessons/01-goroutines"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, goroutines.Lesson) }

func TestSerialVsConcurrent(t *testing.T) {
	r := lessontest.Run(t, goroutines.Lesson, "serial-vs-concurrent", lessontest.Speed(20))
	serial, concurrent := r.Finding(t, "serial"), r.Finding(t, "concurrent")
	// 10 steps against 5 at 50 ms each: 500 ms against 250 ms.
	assert.GreaterOrEqual(t, serial, 500.0, "serial run took less than its ten steps")
	assert.GreaterOrEqual(t, concurrent, 250.0, "concurrent run took less than five steps")
	assert.Less(t, concurrent, serial*0.8, "running side by side should take about half as long")
	assert.Contains(t, r.Output, "[sing]")
	assert.Contains(t, r.Output, "[dance]")
}

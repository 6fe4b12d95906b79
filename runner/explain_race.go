package runner

import (
	"fmt"
	"strings"

	"github.com/conclab/conclab/lessons/traceback"
)

// explainRaces explains, in plain words, each distinct race reported in a
// racy demo's stderr: which two accesses conflicted, at which lines of
// the demo, and where each goroutine was started.
func explainRaces(app *App, stderr string) {
	races := traceback.Dedup(traceback.ParseRaces(stderr))
	if len(races) == 0 {
		return
	}
	fmt.Fprintln(app.Stdout, app.Theme.Heading(fmt.Sprintf("\nWhat it means (%d distinct race%s)", len(races), plural(len(races)))))
	for _, r := range races {
		traceback.ExplainRace(app.Stdout, r, isLessonCode)
		fmt.Fprintln(app.Stdout)
	}
}

// isLessonCode tells the demo's own frames from the runtime's, sync's and
// conclab's machinery.
func isLessonCode(file string) bool {
	return strings.Contains(file, "/lessons/") &&
		!strings.Contains(file, "/lessons/lesson/") &&
		!strings.Contains(file, "/lessons/lessontest/")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

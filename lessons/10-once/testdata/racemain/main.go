// Command racemain stands in for `conclab --race` in the lesson's tests:
// a -race build whose only job is to serve the lesson's child processes
// (what the runner's race build does when Options.RaceExe points to it).
package main

import (
	"fmt"
	"os"

	once "github.com/conclab/conclab/lessons/10-once"
	"github.com/conclab/conclab/lessons/lesson"
)

func main() {
	lesson.ServeChild(once.Lesson)
	fmt.Fprintln(os.Stderr, "racemain: run me as a child process (CONCLAB_CHILD)")
	os.Exit(2)
}

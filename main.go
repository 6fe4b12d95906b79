// Command conclab is a workbench for learning Go concurrency: numbered
// lessons with live demos, exercises checked with the race detector, a
// presentation mode for instructors, and grading for CI.
//
// Usage:
//
//	conclab                 the interactive menu (the lesson list when not on a terminal)
//	conclab list            lessons and exercises
//	conclab show 2          read lesson 2
//	conclab run race        run lesson 2's demos (--speed 0.25 for slow motion, --race for the detector)
//	conclab help            every command
package main

import (
	"context"
	"os"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner"
)

func main() {
	// A demo may re-execute this binary to run something that must
	// deadlock, crash or race in a process of its own.
	lesson.ServeChild(lessons.All()...)
	os.Exit(runner.Main(context.Background(), os.Args[1:], runner.Stdio()))
}

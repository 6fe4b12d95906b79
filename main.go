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
	"embed"
	"io/fs"
	"os"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner"
)

// solutionFiles are the reference solutions, for `conclab solution`. They
// are embedded here rather than by a package in solutions/, which must hold
// nothing but the exercise folders (cp -r solutions/* exercises/).
//
//go:embed solutions/*/*.go
var solutionFiles embed.FS

// moduleFiles are conclab's go.mod and go.sum: the grader writes the
// module it builds in from them and the canonical exercises, and `conclab
// init` gives a learner's workspace the same, so that its tests build.
//
//go:embed go.mod go.sum
var moduleFiles embed.FS

func main() {
	// A demo may re-execute this binary to run something that must
	// deadlock, crash or race in a process of its own.
	lesson.ServeChild(lessons.All()...)
	app := runner.Stdio()
	app.Solutions, _ = fs.Sub(solutionFiles, "solutions") // cannot fail: a valid, constant path
	app.Module = moduleFiles
	os.Exit(runner.Main(context.Background(), os.Args[1:], app))
}

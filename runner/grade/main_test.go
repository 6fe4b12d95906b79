package grade_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// gradeChildEnv makes this test binary a grader of its own (see
// TestTestBinaryDiesWithTheGrader): it grades the counter submission in
// the folder the variable names, and is killed from outside.
const gradeChildEnv = "CONCLAB_TEST_GRADE_CHILD"

func TestMain(m *testing.M) {
	if sub := os.Getenv(gradeChildEnv); sub != "" {
		os.Exit(gradeChild(sub))
	}
	goleak.VerifyTestMain(m)
}

func gradeChild(sub string) int {
	root, err := grade.FindRoot(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ex, err := exercises.Find("counter")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_, err = grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{ex}, Deadline: time.Minute})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

package runner

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/gradebook"
)

// The class progress line of a student who submitted no exercise's files
// says so, instead of "0/0 points" and every exercise "not submitted".
func TestOutcomeOfAnEmptySubmission(t *testing.T) {
	exs := exercises.All()[:3]
	assert.Equal(t, "nothing submitted", outcome(gradebook.Failed(exs, errors.New("nothing to grade"))))

	res := &grade.Result{Exercises: []*grade.ExerciseResult{
		{Number: 1, Verdict: grade.Race, Points: 2, MaxPoints: 7},
		{Number: 2, Verdict: grade.NotSubmitted},
		{Number: 3, Verdict: grade.Pass, Points: 8, MaxPoints: 8},
	}}
	assert.Equal(t, "10/15 points, 1 race, 2 not submitted", outcome(res))
}

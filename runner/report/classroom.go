package report

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// The GitHub Classroom autograding result, as the classroom graders
// produce it and classroom-resources/autograding-grading-reporter reads it
// (src/main.js: the env var <RUNNER>_RESULTS, base64 of this JSON;
// src/helpers/test-helpers.js and src/notify-classroom.js: max_score,
// and the tests' score summed; status "fail" or "error" fails the step).
// The fields are those the command grader writes (version 1, status,
// max_score, tests with name, status, score, message, filename, line_no,
// duration).
type classroomResult struct {
	Version  int             `json:"version"`
	Status   string          `json:"status"`
	MaxScore int             `json:"max_score"`
	Tests    []classroomTest `json:"tests"`
}

type classroomTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"` // pass, fail or error
	Score    int    `json:"score"`
	Message  string `json:"message"`
	Filename string `json:"filename"`
	LineNo   int    `json:"line_no"`
	Duration int64  `json:"duration"` // milliseconds
}

// Classroom writes res as the GitHub Classroom reporter reads it: the
// result JSON, base64-encoded, on one line. Each graded test is a test
// worth its points; an exercise that could not be built (a build or vet
// error, refused by the policy) makes its tests "error"s; an exercise
// without tests (not submitted) is one failed test.
func Classroom(w io.Writer, res *grade.Result) error {
	res = sanitized(res)
	out := classroomResult{Version: 1, Status: "pass", MaxScore: res.MaxPoints, Tests: []classroomTest{}}
	for _, e := range res.Exercises {
		file := LearnerFile(e)
		status := "fail"
		switch e.Verdict {
		case grade.BuildError, grade.VetError, grade.Policy:
			status = "error"
		}
		prefix := fmt.Sprintf("%02d-%s", e.Number, e.Slug)
		line := 0
		if len(e.Locations) > 0 {
			line = e.Locations[0].Line
		}
		if len(e.Tests) == 0 {
			out.Tests = append(out.Tests, classroomTest{Name: prefix, Status: status, Message: e.Message,
				Filename: file, LineNo: line, Duration: int64(e.Duration * 1000)})
			continue
		}
		for _, t := range e.Tests {
			ct := classroomTest{Name: prefix + " " + t.Name, Status: "pass", Filename: file, Duration: int64(t.Duration * 1000)}
			if t.Verdict == grade.Pass && e.Verdict == grade.Pass {
				ct.Score = t.Points
			} else if t.Verdict == grade.Pass {
				ct.Score = t.Points // passed, though the exercise failed elsewhere
				if e.Points == 0 {
					// The verdict took the exercise's points away (a race
					// makes every count a matter of luck).
					ct.Score, ct.Status, ct.Message = 0, status, e.Message
				}
			} else {
				ct.Status, ct.Message, ct.LineNo = status, oneLine(t.Message), line
				if len(t.Locations) > 0 {
					ct.LineNo = t.Locations[0].Line
				}
			}
			out.Tests = append(out.Tests, ct)
		}
	}
	for _, t := range out.Tests {
		if t.Status == "error" && out.Status == "pass" {
			out.Status = "error"
		}
		if t.Status == "fail" {
			out.Status = "fail"
		}
	}
	j, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, base64.StdEncoding.EncodeToString(j)+"\n")
	return err
}

// LearnerFile is the file of the learner's that e is about: the first
// place its explanation points at, or else the exercise's first file.
func LearnerFile(e *grade.ExerciseResult) string {
	if len(e.Locations) > 0 {
		return e.Locations[0].File
	}
	ex := e.Exercise
	if ex.Slug == "" {
		var err error
		if ex, err = exercises.Find(e.Slug); err != nil || len(ex.Files) == 0 {
			return ""
		}
	}
	return "exercises/" + ex.Dir() + "/" + ex.Files[0]
}

// oneLine is s's first line.
func oneLine(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return first
}

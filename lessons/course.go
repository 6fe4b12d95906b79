// Package lessons is the course: every lesson, in order.
//
// Each lesson lives in its own package, lessons/NN-slug, and is listed
// here once. The runner reads this list; nothing here knows the runner.
package lessons

import (
	"fmt"
	"strconv"
	"strings"

	goroutines "github.com/conclab/conclab/lessons/01-goroutines"
	race "github.com/conclab/conclab/lessons/02-race"
	mutex "github.com/conclab/conclab/lessons/03-mutex"
	rwmutex "github.com/conclab/conclab/lessons/04-rwmutex"
	deadlock "github.com/conclab/conclab/lessons/05-deadlock"
	semaphore "github.com/conclab/conclab/lessons/06-semaphore"
	events "github.com/conclab/conclab/lessons/07-events"
	queues "github.com/conclab/conclab/lessons/08-queues"
	pools "github.com/conclab/conclab/lessons/09-pools"
	once "github.com/conclab/conclab/lessons/10-once"
	contexts "github.com/conclab/conclab/lessons/11-context"
	servers "github.com/conclab/conclab/lessons/12-servers"
	processes "github.com/conclab/conclab/lessons/13-processes"
	fileserver "github.com/conclab/conclab/lessons/14-fileserver"
	httpserver "github.com/conclab/conclab/lessons/15-httpserver"
	crawler "github.com/conclab/conclab/lessons/16-crawler"
	patterns "github.com/conclab/conclab/lessons/17-patterns"
	testcode "github.com/conclab/conclab/lessons/18-testing"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/stepper"
)

// All returns every lesson in course order.
func All() []lesson.Lesson {
	return []lesson.Lesson{
		goroutines.Lesson,
		race.Lesson,
		mutex.Lesson,
		rwmutex.Lesson,
		deadlock.Lesson,
		semaphore.Lesson,
		events.Lesson,
		queues.Lesson,
		pools.Lesson,
		once.Lesson,
		contexts.Lesson,
		servers.Lesson,
		processes.Lesson,
		fileserver.Lesson,
		httpserver.Lesson,
		crawler.Lesson,
		patterns.Lesson,
		testcode.Lesson,
	}
}

// Find returns the lesson named by number ("2") or slug ("race"), or an
// error that lists the valid names.
func Find(name string) (lesson.Lesson, error) {
	all := All()
	n, err := strconv.Atoi(name)
	for _, l := range all {
		if (err == nil && l.Number == n) || strings.EqualFold(l.Slug, name) {
			return l, nil
		}
	}
	valid := make([]string, len(all))
	for i, l := range all {
		valid[i] = l.ID()
	}
	return lesson.Lesson{}, fmt.Errorf("no lesson %q; valid: %s", name, strings.Join(valid, ", "))
}

// Levels returns every lesson's stepper levels in course order (by lesson,
// then in the order each lesson lists them), numbered from 1, each marked
// with its lesson's ID. Each call returns new Level values (sharing the
// lessons' code and variables, which nothing changes), so setting a
// field of one does not touch the lessons.
func Levels() []*stepper.Level {
	var ls []*stepper.Level
	for _, l := range All() {
		for _, lv := range l.Levels {
			lv.Number = len(ls) + 1
			lv.Lesson = l.ID()
			ls = append(ls, &lv)
		}
	}
	return ls
}

// FindLevel returns the stepper level named by number ("1") or slug
// ("lost-update"), or an error that lists the valid names.
func FindLevel(name string) (*stepper.Level, error) {
	all := Levels()
	n, err := strconv.Atoi(name)
	for _, l := range all {
		if (err == nil && l.Number == n) || strings.EqualFold(l.Slug, name) {
			return l, nil
		}
	}
	valid := make([]string, len(all))
	for i, l := range all {
		valid[i] = fmt.Sprintf("%d %s", l.Number, l.Slug)
	}
	return nil, fmt.Errorf("no level %q; valid: %s", name, strings.Join(valid, ", "))
}

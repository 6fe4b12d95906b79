package present

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
)

// stagePlumbing is what a demo says to its stage and its timeline's
// lanes: the code step must not show it.
var stagePlumbing = regexp.MustCompile(`\bs\.(Say|Pause|Heading|Warn|Finding|FindingDuration|Write)\(|\b(lane|w|db|owner|producer|consumer|helper|main|server|reader)\.(Start|Done|Waiting|Acquired|Released|Sent|Received|Printf)\(`)

// keyStatement is a line a demo is about: a go statement, a lock, a
// channel operation, a WaitGroup's Add or Wait, a close.
var keyStatement = regexp.MustCompile(`\bgo (func\b|[A-Za-z_][A-Za-z0-9_.]*\()|\.R?(Lock|Unlock)\(\)|<-|\.Wait\(\)|\bclose\(|counter\+\+`)

// shown is the demo whose function the code step shows: d, or the
// child process it runs.
func shown(t *testing.T, l lesson.Lesson, d lesson.Demo) lesson.Demo {
	_, lines, ok := source(d)
	require.True(t, ok, "%s/%s: source not found", l.Slug, d.Name)
	fn, ok := parseFunc(lines)
	require.True(t, ok, "%s/%s: source does not parse", l.Slug, d.Name)
	if c, ok := fn.child(l, d); ok {
		return c
	}
	return d
}

// TestStoryOfEveryDemo: every demo of every lesson shows its story: no
// s.Say, s.Pause, s.Finding or lane event left, and every line with a go
// statement, a lock, a channel operation or a wait that does not talk
// to the stage still there, in its order.
func TestStoryOfEveryDemo(t *testing.T) {
	n, withKeys := 0, 0
	for _, l := range lessons.All() {
		for _, d := range l.Demos {
			name := l.Slug + "/" + d.Name
			_, story, ok := storyLines(l, d, true)
			require.True(t, ok, "%s: no story", name)
			n++
			for _, line := range story {
				assert.NotRegexp(t, stagePlumbing, line, "%s: the code step shows stage plumbing", name)
			}
			_, full, _ := source(shown(t, l, d))
			var want []string
			for i, line := range full {
				if inPauseCheck(full, i) {
					continue // the clean-up after an interrupted pause is not the story
				}
				if keyStatement.MatchString(line) && !regexp.MustCompile(`\bs\.[A-Z]|lane\.|\bcase\b`).MatchString(line) {
					want = append(want, line)
				}
			}
			if len(want) > 0 {
				withKeys++
			}
			at := 0
			for _, w := range want {
				i := slices.Index(story[at:], w)
				if !assert.GreaterOrEqual(t, i, 0, "%s: the story lost a key line %q:\n%s", name, w, strings.Join(story, "\n")) {
					break
				}
				at += i + 1
			}
			assert.Less(t, len(story), len(full)+1, "%s", name)
		}
	}
	assert.Greater(t, n, 50, "every lesson's demos were looked at")
	assert.Greater(t, withKeys, n*3/4, "most demos show a goroutine, a lock or a channel")
}

// inPauseCheck reports whether line i is inside an if that checks what
// a pause returned (if err := s.Pause(...); err != nil { ... }).
func inPauseCheck(lines []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if !strings.HasPrefix(strings.TrimSpace(lines[j]), "if ") {
			continue
		}
		if !strings.Contains(lines[j], "s.Pause(") && !strings.Contains(lines[j], "paused != nil") {
			continue
		}
		indent := lines[j][:len(lines[j])-len(strings.TrimLeft(lines[j], "\t"))]
		for k := j + 1; k < len(lines); k++ {
			if lines[k] == indent+"}" {
				if i < k {
					return true
				}
				break
			}
		}
	}
	return false
}

// TestStoriesTellTheirStory: the stories a class should see, at a
// projector's 80x24 (76 columns, 17 lines under the heading).
func TestStoriesTellTheirStory(t *testing.T) {
	for _, c := range []struct {
		demo string
		want []string
	}{
		{"race/lost-update", []string{"func countUnsafely(", "go func() {", "counter++"}},
		{"race/mutex", []string{"mu.Lock()", "counter++", "mu.Unlock()"}},
		{"race/detector", []string{"func countUnsafely(", "counter++"}},
		{"deadlock/bank-deadlock", []string{"in a child process", "func bankTransfers(", "transferOwnFirst(s, tom, jack, 5000", "transferOwnFirst(s, jack, tom, 200", "done.Wait()"}},
		{"deadlock/lock-order", []string{"go func() {", "transferOrdered("}},
		{"mutex/lock-twice", []string{"in a child process", "c.Inc()"}},
		{"queues/non-blocking", []string{"<-queue"}},
		{"semaphore/buffered-channel", []string{"go func() {", "case sem <- struct{}{}:"}},
	} {
		slug, name, _ := strings.Cut(c.demo, "/")
		l, err := lessons.Find(slug)
		require.NoError(t, err)
		d, err := l.Demo(name)
		require.NoError(t, err)
		code := strings.Join(story(l, d, 76, 17), "\n")
		assert.LessOrEqual(t, len(strings.Split(code, "\n")), 17, "%s fits under the heading", c.demo)
		for _, w := range c.want {
			assert.Contains(t, code, w, "%s", c.demo)
		}
		assert.NotRegexp(t, stagePlumbing, code, "%s", c.demo)
	}
}

// TestStoryFilter on small functions: what goes and what stays.
func TestStoryFilter(t *testing.T) {
	src := `// demo is a demo.
func demo(ctx context.Context, s *lesson.Stage) error {
	s.Say("two goroutines")
	lanes := make([]*lesson.Lane, 2)
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range 2 {
		lanes[i] = s.Lane("g")
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := lanes[i]
			lane.Start()
			defer lane.Done()
			mu.Lock()
			if err := s.Sleep(ctx, time.Second); err != nil {
				lane.Printf("cut short")
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	s.FindingDuration("elapsed", elapsed)
	if err := s.Pause(ctx, "and now?"); err != nil {
		return err
	}
	paused := s.Pause(ctx, "again?")
	if paused != nil {
		return paused
	}
	if elapsed > time.Second {
		s.Warn("slow")
	} else {
		s.Say("fast")
	}
	if ok := check(); !ok {
		return errors.New("bad")
	} else {
		s.Say("good")
	}
	for len(queue) > 0 {
		s.Say("got %d", <-queue)
	}
	return nil
}`
	fn, ok := parseFunc(strings.Split(src, "\n"))
	require.True(t, ok)
	want := `// demo is a demo.
func demo(ctx context.Context, s *lesson.Stage) error {
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			if err := s.Sleep(ctx, time.Second); err != nil {
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if ok := check(); !ok {
		return errors.New("bad")
	}
	for len(queue) > 0 {
		<-queue
	}
	return nil
}`
	assert.Equal(t, want, strings.Join(fn.story(), "\n"))
}

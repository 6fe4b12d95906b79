// Package timeline draws what a demo's goroutines did: one lane per
// goroutine over time, from the events the demo recorded on its stage.
//
// Each lane is a row of cells, one cell per slice of time:
//
//   - running
//     .   waiting (the object's name is written into the segment: ".sem....")
//     =   holding (likewise: "=Tom=====")
//     >   sent on a channel,  <  received
//     (blank) not started yet, or done
//
// A lane still waiting when the recording ends is stuck; stuck lanes that
// each wait for an object another stuck lane holds form a cycle, which is
// drawn below the lanes as a deadlock. Under the lanes a "holding" row
// counts how many lanes held something in each slice, and a summary names
// the peak for every object, computed from the events themselves, not from
// the rounded cells.
//
// The drawing fits the width it is given and reads the same without
// colour: the theme only adds emphasis.
package timeline

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// Lane is one goroutine's state at an instant.
type laneState struct {
	started, done bool
	waiting       string   // object waited on, "" if none
	holding       []string // objects held, in order of acquisition
}

func (st *laneState) apply(e lesson.Event) {
	if e.Kind != lesson.Done {
		st.started = true
	}
	switch e.Kind {
	case lesson.Waiting:
		st.waiting = e.Object
	case lesson.Acquired:
		st.waiting = ""
		st.holding = append(st.holding, e.Object)
	case lesson.Released:
		if i := slices.Index(st.holding, e.Object); i >= 0 {
			st.holding = slices.Delete(st.holding, i, i+1)
		}
	case lesson.Sent, lesson.Received:
		if st.waiting == e.Object {
			st.waiting = ""
		}
	case lesson.Done:
		st.done = true
		st.waiting = ""
		st.holding = nil
	}
}

// Stuck is a lane that was still waiting when the recording ended.
type Stuck struct {
	Lane    string   // the lane's name
	Waiting string   // what it waits for
	Holding []string // what it holds meanwhile
}

// Analysis is what the events say, independently of how they are drawn.
type Analysis struct {
	End time.Duration // time of the last event
	// Peak is, per object, the most lanes that held it at the same time.
	Peak map[string]int
	// PeakHolding is the most lanes holding anything at the same time.
	PeakHolding int
	Stuck       []Stuck
	// Cycle lists, in order, the stuck lanes of a wait-for cycle (each
	// waits for an object the next one holds, the last for one the first
	// holds); nil if there is none.
	Cycle []string
}

// Analyze replays events (in the order given, which is the order they were
// recorded) and measures them. lanes names the lanes by index.
func Analyze(lanes []string, events []lesson.Event) Analysis {
	a := Analysis{Peak: make(map[string]int)}
	states := make([]laneState, len(lanes))
	holders := make(map[string]int)
	holdingAny := 0
	for _, e := range events {
		if e.Lane < 0 || e.Lane >= len(states) {
			continue
		}
		a.End = max(a.End, e.At)
		st := &states[e.Lane]
		before := len(st.holding) > 0
		// Done releases whatever the lane still held.
		if e.Kind == lesson.Done {
			for _, o := range st.holding {
				holders[o]--
			}
		}
		if e.Kind == lesson.Released && slices.Contains(st.holding, e.Object) {
			holders[e.Object]--
		}
		st.apply(e)
		if e.Kind == lesson.Acquired {
			holders[e.Object]++
			a.Peak[e.Object] = max(a.Peak[e.Object], holders[e.Object])
		}
		after := len(st.holding) > 0
		if !before && after {
			holdingAny++
			a.PeakHolding = max(a.PeakHolding, holdingAny)
		} else if before && !after {
			holdingAny--
		}
	}
	for i, st := range states {
		if st.waiting != "" && !st.done {
			a.Stuck = append(a.Stuck, Stuck{Lane: lanes[i], Waiting: st.waiting, Holding: slices.Clone(st.holding)})
		}
	}
	a.Cycle = findCycle(a.Stuck)
	return a
}

// findCycle follows "waits for an object held by" among stuck lanes and
// returns the first cycle it meets, starting from the earliest lane in it.
func findCycle(stuck []Stuck) []string {
	holder := func(object string) int {
		for i, s := range stuck {
			if slices.Contains(s.Holding, object) {
				return i
			}
		}
		return -1
	}
	for start := range stuck {
		var path []int
		seen := make(map[int]int) // index in stuck -> position in path
		for cur := start; cur >= 0; cur = holder(stuck[cur].Waiting) {
			if pos, ok := seen[cur]; ok {
				cycle := path[pos:]
				// Rotate so that the cycle starts from its first lane.
				first := slices.Index(cycle, slices.Min(cycle))
				cycle = append(cycle[first:], cycle[:first]...)
				names := make([]string, len(cycle))
				for i, c := range cycle {
					names[i] = stuck[c].Lane
				}
				return names
			}
			seen[cur] = len(path)
			path = append(path, cur)
		}
	}
	return nil
}

const (
	minGrid   = 10
	noteWidth = 6 // " stuck" / " cycle"
	maxLabel  = 20
)

// Render draws the lanes and events as a timeline at most width columns
// wide (80 if width is 0 or less).
func Render(w io.Writer, lanes []string, events []lesson.Event, width int, theme lesson.Theme) error {
	return RenderLanes(w, lanes, events, width, 0, theme)
}

// RenderLanes is Render drawing at most maxLanes lanes (all if maxLanes
// is 0 or less), in their usual order, for a screen of limited height;
// a line says how many were left out. The holding row, the peaks and the
// stuck lanes still count every lane.
func RenderLanes(w io.Writer, lanes []string, events []lesson.Event, width, maxLanes int, theme lesson.Theme) error {
	if theme == nil {
		theme = lesson.Plain{}
	}
	if width <= 0 {
		width = 80
	}
	a := Analyze(lanes, events)
	if len(lanes) == 0 || len(events) == 0 {
		_, err := fmt.Fprintln(w, theme.Dim("(no timeline: the demo recorded no goroutine events)"))
		return err
	}

	labelW := len("holding")
	for _, l := range lanes {
		labelW = max(labelW, len([]rune(l)))
	}
	labelW = min(labelW, maxLabel)
	gridW := max(minGrid, width-labelW-3-noteWidth) // "label |grid|" + note
	// The axis starts at the first event: the time before it (a child
	// process starting, main setting up) has no lanes to draw and would
	// squeeze them into the right-hand side.
	start := a.End
	for _, e := range events {
		if e.Lane >= 0 && e.Lane < len(lanes) {
			start = min(start, e.At)
		}
	}
	span := max(a.End-start, time.Nanosecond)
	if len(a.Stuck) > 0 {
		// Stuck lanes wait past the last event: show them still waiting.
		span += span / 10
	}
	end := start + span
	// at returns the start of column c.
	at := func(c int) time.Duration { return start + time.Duration(int64(span)*int64(c)/int64(gridW)) }
	column := func(t time.Duration) int {
		return max(0, min(gridW-1, int(int64(t-start)*int64(gridW)/int64(span))))
	}

	// Events per lane, in order.
	perLane := make([][]lesson.Event, len(lanes))
	for _, e := range events {
		if e.Lane >= 0 && e.Lane < len(lanes) {
			perLane[e.Lane] = append(perLane[e.Lane], e)
		}
	}
	stuck := make(map[string]bool)
	for _, s := range a.Stuck {
		stuck[s.Lane] = true
	}
	inCycle := make(map[string]bool)
	for _, l := range a.Cycle {
		inCycle[l] = true
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", theme.Heading(fmt.Sprintf("Timeline: %d goroutines over %s", len(lanes), round(a.End-start))))
	order := rowOrder(lanes, perLane)
	hidden := 0
	if maxLanes > 0 && len(order) > maxLanes {
		hidden = len(order) - maxLanes
		order = order[:maxLanes]
	}
	for _, i := range order {
		name := lanes[i]
		cells := laneCells(perLane[i], gridW, at, column)
		row := colourCells(cells, i, theme)
		note := ""
		switch {
		case inCycle[name]:
			note = " " + theme.Warning("cycle")
		case stuck[name]:
			note = " " + theme.Warning("stuck")
		}
		fmt.Fprintf(&b, "%s |%s|%s\n", theme.Lane(i, pad(name, labelW)), row, note)
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "%s\n", theme.Dim(fmt.Sprintf("… %d more %s (conclab run --timeline shows them all)", hidden, plural(hidden, "lane", "lanes"))))
	}
	if a.PeakHolding > 0 {
		fmt.Fprintf(&b, "%s |%s|\n", theme.Dim(pad("holding", labelW)), countRow(lanes, events, gridW, at))
	}
	fmt.Fprintf(&b, "%s  %s\n", pad("", labelW), axis(start, end, gridW))
	fmt.Fprintf(&b, "%s\n", theme.Dim("- running  . waiting  = holding  > sent  < received"))

	objects := make([]string, 0, len(a.Peak))
	for o := range a.Peak {
		objects = append(objects, o)
	}
	slices.Sort(objects)
	for _, o := range objects {
		fmt.Fprintf(&b, "%s\n", theme.Finding(fmt.Sprintf("%s: held by at most %d %s at once", o, a.Peak[o], plural(a.Peak[o], "lane", "lanes"))))
	}
	for _, s := range a.Stuck {
		held := ""
		if len(s.Holding) > 0 {
			held = ", holding " + strings.Join(s.Holding, ", ")
		}
		fmt.Fprintf(&b, "%s\n", theme.Warning(fmt.Sprintf("stuck: %s waits for %s%s", s.Lane, s.Waiting, held)))
	}
	if len(a.Cycle) > 0 {
		fmt.Fprintf(&b, "%s\n", theme.Warning("deadlock: "+describeCycle(a)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// describeCycle spells the cycle out: "A holds X and waits for Y; B holds
// Y and waits for X".
func describeCycle(a Analysis) string {
	byLane := make(map[string]Stuck)
	for _, s := range a.Stuck {
		byLane[s.Lane] = s
	}
	parts := make([]string, len(a.Cycle))
	for i, l := range a.Cycle {
		s := byLane[l]
		next := a.Cycle[(i+1)%len(a.Cycle)]
		parts[i] = fmt.Sprintf("%s waits for %s, held by %s", l, s.Waiting, next)
	}
	return strings.Join(parts, "; ") + " (a cycle: nobody can move)"
}

// rowOrder sorts the lanes by when they first acquired something (or
// first did anything), then by name with numbers in numeric order, so a
// semaphore's batches read as a staircase and "task 10" follows "task 9".
func rowOrder(lanes []string, perLane [][]lesson.Event) []int {
	first := make([]time.Duration, len(lanes))
	for i, evs := range perLane {
		first[i] = time.Duration(1<<63 - 1)
		for _, e := range evs {
			if e.Kind == lesson.Acquired {
				first[i] = e.At
				break
			}
		}
		if first[i] == time.Duration(1<<63-1) && len(evs) > 0 {
			first[i] = evs[0].At
		}
	}
	order := make([]int, len(lanes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if first[a] != first[b] {
			return cmp.Compare(first[a], first[b])
		}
		return naturalCompare(lanes[a], lanes[b])
	})
	return order
}

// naturalCompare compares names with runs of digits as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da != "" && db != "" {
			na, _ := strconv.Atoi(da)
			nb, _ := strconv.Atoi(db)
			if na != nb {
				return cmp.Compare(na, nb)
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// cell is one slice of one lane.
type cell struct {
	ch   rune
	kind byte // 'r' running, 'w' waiting, 'h' holding, ' ' nothing
}

// laneCells samples the lane's state in the middle of each column, writes
// the names of waited and held objects into their segments, and marks
// sends and receives where they happened.
func laneCells(events []lesson.Event, n int, at func(int) time.Duration, column func(time.Duration) int) []cell {
	cells := make([]cell, n)
	objects := make([]string, n)
	var st laneState
	next := 0
	for c := range n {
		mid := (at(c) + at(c+1)) / 2
		for next < len(events) && events[next].At <= mid {
			st.apply(events[next])
			next++
		}
		switch {
		case !st.started || st.done:
			cells[c] = cell{' ', ' '}
		case st.waiting != "":
			cells[c] = cell{'.', 'w'}
			objects[c] = st.waiting
		case len(st.holding) > 0:
			cells[c] = cell{'=', 'h'}
			objects[c] = strings.Join(st.holding, "+")
		default:
			cells[c] = cell{'-', 'r'}
		}
	}
	// A hold shorter than a column can fall between the samples: show it
	// in the column where it began, or the picture would lose the very
	// lock a deadlock is about (held a moment, then waited on forever).
	showHolds(events, cells, objects, column)
	// Write each object's name into its segment when it fits after the
	// segment's first cell, so "=Tom====" reads as "holding Tom".
	for c := 0; c < n; {
		e := c
		for e < n && cells[e].kind == cells[c].kind && objects[e] == objects[c] {
			e++
		}
		if name := []rune(objects[c]); len(name) > 0 && e-c >= len(name)+1 {
			for i, r := range name {
				cells[c+1+i].ch = r
			}
		}
		c = e
	}
	for _, e := range events {
		if e.Kind != lesson.Sent && e.Kind != lesson.Received {
			continue
		}
		c := column(e.At)
		if cells[c].kind == 'r' || cells[c].kind == ' ' {
			if e.Kind == lesson.Sent {
				cells[c] = cell{'>', 'r'}
			} else {
				cells[c] = cell{'<', 'r'}
			}
		}
	}
	return cells
}

// showHolds marks the first column of every hold that no column shows.
func showHolds(events []lesson.Event, cells []cell, objects []string, column func(time.Duration) int) {
	for i, e := range events {
		if e.Kind != lesson.Acquired {
			continue
		}
		from, to := column(e.At), len(cells)-1
		for _, later := range events[i+1:] {
			if later.Kind == lesson.Done || (later.Kind == lesson.Released && later.Object == e.Object) {
				to = column(later.At)
				break
			}
		}
		shown := false
		for c := from; c <= to && !shown; c++ {
			shown = cells[c].kind == 'h'
		}
		if !shown {
			cells[from] = cell{'=', 'h'}
			objects[from] = e.Object
		}
	}
}

// colourCells joins the cells, colouring runs of the same kind together.
func colourCells(cells []cell, lane int, theme lesson.Theme) string {
	var b strings.Builder
	for c := 0; c < len(cells); {
		e := c
		var run strings.Builder
		for e < len(cells) && cells[e].kind == cells[c].kind {
			run.WriteRune(cells[e].ch)
			e++
		}
		switch cells[c].kind {
		case 'h':
			b.WriteString(theme.Lane(lane, run.String()))
		case 'w':
			b.WriteString(theme.Dim(run.String()))
		default:
			b.WriteString(run.String())
		}
		c = e
	}
	return b.String()
}

// countRow shows, per column, the most lanes that held anything at the
// same time within that slice of time (exact, from the events).
func countRow(lanes []string, events []lesson.Event, n int, at func(int) time.Duration) string {
	held := make([]int, len(lanes))
	count := 0
	row := make([]byte, n)
	next := 0
	for c := range n {
		peak := count
		for next < len(events) && (events[next].At < at(c+1) || c == n-1) {
			e := events[next]
			next++
			if e.Lane < 0 || e.Lane >= len(lanes) {
				continue
			}
			before := held[e.Lane] > 0
			switch e.Kind {
			case lesson.Acquired:
				held[e.Lane]++
			case lesson.Released:
				held[e.Lane] = max(0, held[e.Lane]-1)
			case lesson.Done:
				held[e.Lane] = 0
			}
			after := held[e.Lane] > 0
			if !before && after {
				count++
			} else if before && !after {
				count--
			}
			peak = max(peak, count)
		}
		switch {
		case peak == 0:
			row[c] = ' '
		case peak > 9:
			row[c] = '+'
		default:
			row[c] = byte('0' + peak)
		}
	}
	return string(row)
}

// axis labels the start, middle and end of the time axis.
func axis(start, end time.Duration, n int) string {
	row := []rune(strings.Repeat(" ", n+2))
	put := func(pos int, s string) {
		pos = max(0, min(pos, len(row)-len(s)))
		copy(row[pos:], []rune(s))
	}
	first := "0"
	if start > 0 {
		first = round(start)
	}
	put(0, first)
	if n >= 30 {
		mid := round((start + end) / 2)
		put(n/2+1-len(mid)/2, mid)
	}
	put(n+2-len(round(end)), round(end))
	return strings.TrimRight(string(row), " ")
}

// round prints a duration with two or three significant digits.
func round(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

func pad(s string, w int) string {
	r := []rune(s)
	if len(r) > w {
		return string(r[:w-1]) + "~"
	}
	return s + strings.Repeat(" ", w-len(r))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

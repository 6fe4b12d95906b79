package processes

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

// questions are what the parent asks, and the answers it expects.
var questions = []struct{ q, a string }{
	{"6 * 7", "42"},
	{"12 * 12", "144"},
	{"250 + 750", "1000"},
}

// pipe talks to a child through its standard input and output: a
// question written, an answer read, line by line.
func pipe(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(safety)) // kills a child that stops answering
	defer cancel()
	lane := s.Lane("parent")
	cmd, err := s.Command(ctx, "answerer")
	if err != nil {
		return err
	}
	stdin, err := cmd.StdinPipe() // we write, the child reads
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe() // the child writes, we read
	if err != nil {
		return err
	}
	cmd.Stderr = s // the child's own narration
	if err := cmd.Start(); err != nil {
		return err
	}
	lane.Printf("started the answerer, pid %d; two pipes: its stdin and its stdout", cmd.Process.Pid)

	answers := bufio.NewReader(stdout)
	right := 0
	for _, q := range questions {
		// One line out, then wait for one line back: never write more than
		// the child will read before we read what it wrote.
		if _, err := fmt.Fprintln(stdin, q.q); err != nil {
			break
		}
		lane.Sent("stdin")
		lane.Printf("asks:    %s", q.q)
		line, err := answers.ReadString('\n')
		if err != nil {
			lane.Printf("no answer: %v", err)
			break
		}
		lane.Received("stdout")
		got := strings.TrimSpace(line)
		lane.Printf("hears:   %s", got)
		if got == q.a {
			right++
		}
	}
	stdin.Close() // end of input: the child's loop ends and it exits
	io.Copy(io.Discard, answers)
	err = cmd.Wait() // after reading to the end: Wait closes stdout
	lane.Printf("closed its stdin; it exited with status %d", cmd.ProcessState.ExitCode())
	s.Finding("answers-right", float64(right), fmt.Sprintf("of %d", len(questions)))
	s.Finding("answerer-exit-code", float64(cmd.ProcessState.ExitCode()), "")
	if err != nil {
		return fmt.Errorf("the answerer failed: %w", err)
	}
	s.Say("A pipe is a one-way byte stream between two processes, with a small")
	s.Say("buffer in the kernel: a writer blocks when it is full, a reader when it")
	s.Say("is empty, and closing the write end gives the reader io.EOF.")
	return nil
}

// answerer reads "a op b" lines from its standard input and writes each
// result to its standard output, until the input ends.
func answerer(_ context.Context, _ *lesson.Stage) error {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var a, b int
		var op string
		answer := "?"
		if _, err := fmt.Sscanf(in.Text(), "%d %s %d", &a, &op, &b); err == nil {
			switch op {
			case "+":
				answer = fmt.Sprint(a + b)
			case "*":
				answer = fmt.Sprint(a * b)
			}
		}
		fmt.Fprintf(os.Stderr, "  [answerer] pid %d: %q -> %s\n", os.Getpid(), in.Text(), answer)
		fmt.Println(answer) // os.Stdout is not buffered: the line leaves at once
	}
	fmt.Fprintf(os.Stderr, "  [answerer] pid %d: end of input, exiting\n", os.Getpid())
	return in.Err()
}

package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/conclab/conclab/runner/grade"
)

// workspaceMarker marks a learner's workspace (written by `conclab init`).
const workspaceMarker = ".conclab-workspace"

// workspaceState is the workspace's progress file (see statePath).
const workspaceState = ".conclab-progress.json"

// findWorkspace finds the learner's workspace from dir upwards: the first
// folder with the marker; or, inside conclab's source tree, the workspace
// `make run` keeps in it (conclab-workspace, ignored by git), and failing
// that the tree's own exercises folder (the way conclab was used before
// workspaces, where a learner's edits are in the tree the binary embeds).
func findWorkspace(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, workspaceMarker)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	root, err := grade.FindRoot(dir)
	if err != nil {
		return "", fmt.Errorf("not in a conclab workspace (no %s above %s): %s init [folder] writes one", workspaceMarker, dir, selfCommand())
	}
	if ws := filepath.Join(root, defaultWorkspace); isWorkspace(ws) {
		return ws, nil
	}
	return root, nil
}

// learnerWorkspace is findWorkspace for the commands of the learner's loop
// (check, watch, reset, the menu's exercises), which refuse conclab's own
// source tree when it has no workspace yet: under `go run .` the binary
// embeds that tree, so its "canonical" stubs and tests would be whatever
// the learner edited there (a test that returns early would pass a racy
// counter). `grade` keeps grading the tree's exercises folder: its
// trusted use is a binary built beforehand (or installed) and --dir.
func learnerWorkspace(dir string) (string, error) {
	root, err := findWorkspace(dir)
	if err != nil {
		return "", err
	}
	if isConclabRoot(root) {
		return "", errNoWorkspaceYet()
	}
	return root, nil
}

// refuseSourceTree is learnerWorkspace's refusal alone, for commands that
// report any other trouble finding the workspace themselves (check: after
// making sure the Go toolchain is there).
func refuseSourceTree(dir string) error {
	if root, err := findWorkspace(dir); err == nil && isConclabRoot(root) {
		return errNoWorkspaceYet()
	}
	return nil
}

func errNoWorkspaceYet() error {
	return fmt.Errorf("no workspace yet: your work goes in a copy of your own, not in conclab's source; %s init writes %s/ here (make run does too)", selfCommand(), defaultWorkspace)
}

func isWorkspace(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, workspaceMarker))
	return err == nil
}

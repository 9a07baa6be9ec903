package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
)

func TestRun_ServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-db", "sqlite://" + filepath.Join(t.TempDir(), "demo.db")}, pw)
		pw.Close() // unblocks the scanner if run failed before printing
		done <- err
	}()

	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		require.FailNow(t, "run printed nothing", "run: %v", <-done)
	}
	const prefix = "qyzmet demo listening on "
	line := sc.Text()
	require.True(t, strings.HasPrefix(line, prefix), line)
	base := strings.TrimPrefix(line, prefix)
	var banner []string
	for len(banner) < 7 && sc.Scan() {
		banner = append(banner, sc.Text())
	}
	require.Contains(t, banner[0], "demo keys")
	require.Contains(t, strings.Join(banner, "\n"), "demo-operator   operator (UCC operator)")
	require.Contains(t, strings.Join(banner, "\n"), "demo-registry   body of registry-office")
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/healthz", "/readyz", "/v1/calendar/kz/2025", "/v1/deadlines", "/v1/bodies",
		"/v1/definitions/birth-of-a-child", "/v1/recipients/" + demoapp.DemoRecipient + "/applications?lang=kk"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer demo-operator")
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"), path)
	}

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		require.FailNow(t, "run did not return after cancel")
	}
}

func TestRun_BadArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"-bogus"}},
		{"stray argument", []string{"serve"}},
		{"bad address", []string{"-addr", "127.0.0.1:notaport"}},
		{"short session secret", []string{"-session-secret", "too-short"}},
		{"no sweeps", []string{"-sweep-every", "0s"}},
		{"a slow clock", []string{"-clock-speed", "0.5", "-clock-epoch", "2025-03-17T10:00:00Z"}},
		{"a fast clock without its epoch", []string{"-clock-speed", "100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Error(t, run(t.Context(), tt.args, io.Discard))
		})
	}
}

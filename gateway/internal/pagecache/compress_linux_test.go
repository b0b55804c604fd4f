//go:build linux

package pagecache

import (
	"bytes"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// threadCPU measures the CPU time of the benchmark's thread (it locks the
// goroutine to its thread until report).
type threadCPU struct{ began time.Duration }

func startThreadCPU() *threadCPU {
	runtime.LockOSThread()
	return &threadCPU{began: threadCPUTime()}
}

// report reports the CPU time per iteration as cpu-ns/op.
func (c *threadCPU) report(b *testing.B) {
	used := threadCPUTime() - c.began
	runtime.UnlockOSThread()
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func threadCPUTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBrotliQuality is the cost and size of a page's brotli form by
// quality, and of its gzip form (24 KB of markup; size_B is the form's
// bytes, cpu-ns/op the CPU time of the compressing thread, which a loaded
// machine does not stretch as it does ns/op):
// go test -run '^$' -bench BrotliQuality ./gateway/internal/pagecache.
func BenchmarkBrotliQuality(b *testing.B) {
	body := htmlBody()
	for _, q := range []int{4, 5, 6} {
		b.Run("q"+strconv.Itoa(q), func(b *testing.B) {
			w := brotli.NewWriterLevel(nil, q)
			var buf bytes.Buffer
			b.SetBytes(int64(len(body)))
			cpu := startThreadCPU()
			for b.Loop() {
				buf.Reset()
				w.Reset(&buf)
				_, _ = w.Write(body)
				_ = w.Close()
			}
			cpu.report(b)
			b.ReportMetric(float64(buf.Len()), "size_B")
		})
	}
	b.Run("gzip6", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		var n int
		cpu := startThreadCPU()
		for b.Loop() {
			n = len(gzipBytes(body))
		}
		cpu.report(b)
		b.ReportMetric(float64(n), "size_B")
	})
}

package contentrules

import (
	"strings"
	"testing"
)

// BenchmarkSanitizeHTML sanitises a body of about 2 KB that the sanitiser
// leaves as it is (what the back office sends) and one it changes (an old
// portal's, with inline styles and event handlers).
func BenchmarkSanitizeHTML(b *testing.B) {
	clean := strings.Repeat(`<p>Các đơn vị báo cáo kết quả triển khai dịch vụ công trực tuyến, <a href="https://example.gov.vn/van-ban/1" rel="nofollow noopener" target="_blank">văn bản kèm theo</a>.</p>`, 12)
	dirty := strings.Repeat(`<p style="text-align:justify">Các đơn vị báo cáo kết quả triển khai dịch vụ công trực tuyến, <a href="https://example.gov.vn/van-ban/1" onclick="x()">văn bản kèm theo</a>.</p>`, 12)
	if out, removed := sanitizeHTML(clean); out != clean || removed != nil {
		b.Fatalf("the clean body changed: %v", removed)
	}
	for name, body := range map[string]string{"unchanged": clean, "changed": dirty} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sanitizeHTML(body)
			}
		})
	}
}

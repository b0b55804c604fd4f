package vnenc

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestCheckConvertsCorpus encodes every corpus sentence in every legacy
// encoding, misreads it as Windows-1252 and as Latin-1, and expects Check to
// give the sentence back.
func TestCheckConvertsCorpus(t *testing.T) {
	for _, enc := range []string{TCVN3, VNI, VISCII, CP1258} {
		for _, latin1 := range []bool{false, true} {
			for _, want := range readLines(t, "testdata/sentences.txt") {
				want = corpusFor(enc, want)
				b, err := encoders[enc](want)
				if err != nil {
					t.Fatalf("%s: encode %q: %v", enc, want, err)
				}
				in := misread(t, b, latin1)
				got := Check(in)
				if got.Text != want || got.Encoding != enc || !got.Converted || got.Broken {
					t.Errorf("%s (Latin-1 %v): Check(%q)\n got %q, %q, converted %v, broken %v (%s)\nwant %q, %q",
						enc, latin1, in, got.Text, got.Encoding, got.Converted, got.Broken, got.Reason, want, enc)
				}
				if got.Converted && (len(got.Changes) == 0 || got.Reason == "" || got.ReasonVI == "") {
					t.Errorf("%s: Check(%q) converted without changes or reasons: %+v", enc, in, got)
				}
			}
		}
	}
}

// TestCheckLeavesCleanTextAlone feeds correct text: the corpus itself in NFC
// and NFD, and English, Russian, code, numbers, addresses and punctuation.
func TestCheckLeavesCleanTextAlone(t *testing.T) {
	var inputs []string
	for _, s := range readLines(t, "testdata/sentences.txt") {
		inputs = append(inputs, s, norm.NFD.String(s))
	}
	inputs = append(inputs, readLines(t, "testdata/clean.txt")...)
	for _, in := range inputs {
		got := Check(in)
		if want := norm.NFC.String(in); got.Text != want || got.Encoding != "" || got.Converted || got.Broken {
			t.Errorf("Check(%q) = %q, %q, converted %v, broken %v (%s); want it untouched",
				in, got.Text, got.Encoding, got.Converted, got.Broken, got.Reason)
		}
		if got.Reason != "" || len(got.Changes) != 0 {
			t.Errorf("Check(%q) gave reason %q and changes %v for clean text", in, got.Reason, got.Changes)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, in, want, enc string
		broken              bool
	}{
		{"TCVN3 from the brief", "ViÖt Nam", "Việt Nam", TCVN3, false},
		{"VNI from the brief", "Vieät Nam", "Việt Nam", VNI, false},
		{"VISCII", "Vi®t Nam", "Việt Nam", VISCII, false},
		{"CP1258", "Viêòt Nam", "Việt Nam", CP1258, false},
		{"TCVN3 sentence", "C¸c c¬ quan nhµ n­íc ph¶i c«ng khai th«ng tin.", "Các cơ quan nhà nước phải công khai thông tin.", TCVN3, false},
		// .VnTimeH: capitals with tone marks on the lower-case codes.
		{"TCVN3 capitals font", "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", TCVN3, false},
		// VN3 text keeps Windows “quotes” and dashes.
		{"TCVN3 with Windows quotes", "“Hµ Néi – Thñ ®« ngµn n¨m v¨n hiÕn”", "“Hà Nội – Thủ đô ngàn năm văn hiến”", TCVN3, false},
		{"UTF-8 as Windows-1252", "Viá»‡t Nam Ä‘áº¹p láº¯m", "Việt Nam đẹp lắm", UTF8AsCP1252, false},
		{"UTF-8 as Windows-1252, not Vietnamese", "cafÃ© crÃ¨me", "café crème", UTF8AsCP1252, false},
		{"UTF-8 misread twice", "Viá»‡t", "Việt", UTF8AsCP1252, false},
		{"NFD is composed, not converted", norm.NFD.String("Hội đồng nhân dân"), "Hội đồng nhân dân", "", false},
		{"replacement character", "Vi\uFFFDt Nam", "Vi\uFFFDt Nam", "", true},
		{"UTF-8 of U+FFFD read as Windows-1252", "Viï¿½t Nam", "Viï¿½t Nam", "", true},
		{"C1 control", "Vi\u0090t Nam", "Vi\u0090t Nam", "", true},
		{"C0 control", "Vi\x01t Nam", "Vi\x01t Nam", "", true},
		{"stray UTF-8 beside Vietnamese", "Đà Nẵng Ä‘áº¹p", "Đà Nẵng đẹp", UTF8AsCP1252, false},
		{"UTF-8 remnant inside a real letter", "ViệtÃ© Nam", "ViệtÃ© Nam", "", true},
		{"empty", "", "", "", false},
		{"plain ASCII", "Hello, world", "Hello, world", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.in)
			if got.Text != tt.want || got.Encoding != tt.enc || got.Broken != tt.broken {
				t.Errorf("Check(%q) = %q, %q, broken %v (%s); want %q, %q, broken %v",
					tt.in, got.Text, got.Encoding, got.Broken, got.Reason, tt.want, tt.enc, tt.broken)
			}
			if got.Converted != (tt.enc != "") {
				t.Errorf("Check(%q).Converted = %v, want %v", tt.in, got.Converted, tt.enc != "")
			}
			if (got.Broken || got.Converted) && (got.Reason == "" || got.ReasonVI == "") {
				t.Errorf("Check(%q) gave no reason: %q / %q", tt.in, got.Reason, got.ReasonVI)
			}
		})
	}
}

func TestCheckChanges(t *testing.T) {
	got := Check("Vieät Nam, Vieät Nam!")
	want := []Change{{"Vieät", "Việt"}}
	if len(got.Changes) != len(want) || got.Changes[0] != want[0] {
		t.Errorf("Check changes = %v, want %v", got.Changes, want)
	}
}

// TestCheckProperties runs Check on random text: corpus sentences and their
// mojibake cut, spliced and salted with random characters. It must never
// panic and must always return valid NFC UTF-8.
func TestCheckProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var pool []string
	for _, s := range readLines(t, "testdata/sentences.txt") {
		pool = append(pool, s)
		for _, enc := range []string{TCVN3, VNI, VISCII, CP1258} {
			if b, err := encoders[enc](corpusFor(enc, s)); err == nil {
				pool = append(pool, misread(t, b, false), misread(t, b, true))
			}
		}
	}
	alphabet := []rune("aăâeêioôơuưyđĐ ÃÄÂ‘“”–…¸µ·ÖöüñïäëÿþðÐ\u0300\u0301\u0323\u0085\u00a0\x00\x01\u0090\uFFFD🙂Жж\n\t")
	for i := range 3000 {
		s := pool[rng.IntN(len(pool))]
		rs := []rune(s)
		a, b := rng.IntN(len(rs)+1), rng.IntN(len(rs)+1)
		if a > b {
			a, b = b, a
		}
		rs = rs[a:b]
		for range rng.IntN(5) {
			at := rng.IntN(len(rs) + 1)
			rs = append(rs[:at], append([]rune{alphabet[rng.IntN(len(alphabet))]}, rs[at:]...)...)
		}
		in := string(rs)
		if i%7 == 0 {
			in += "\xff\xfe" // invalid UTF-8
		}
		got := Check(in)
		if !utf8.ValidString(got.Text) || !norm.NFC.IsNormalString(got.Text) {
			t.Fatalf("Check(%q).Text = %q is not valid NFC UTF-8", in, got.Text)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"ViÖt Nam", "Vieät Nam", "Vi®t Nam", "Viêòt", "Viá»‡t", "Ã", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Check(s)
		if !utf8.ValidString(got.Text) || !norm.NFC.IsNormalString(got.Text) {
			t.Fatalf("Check(%q).Text = %q is not valid NFC UTF-8", s, got.Text)
		}
		if got.Converted && strings.TrimSpace(got.Reason) == "" {
			t.Fatalf("Check(%q) converted without a reason", s)
		}
	})
}

// TestCheckMixedText feeds texts that mix correct Unicode Vietnamese with
// words in a legacy encoding: the correct words must stay as typed, even when
// the legacy encoding would read them as other words ("Tóm" is "Túm" in
// TCVN3), and Changes must list only the broken words.
func TestCheckMixedText(t *testing.T) {
	tests := []struct {
		name, in, want, enc string
		changes             []Change
	}{
		{"TCVN3 from the colleague", "Tóm tắt: Th«ng b¸o lÞch häp", "Tóm tắt: Thông báo lịch họp", TCVN3,
			[]Change{{"Th«ng", "Thông"}, {"b¸o", "báo"}, {"lÞch", "lịch"}, {"häp", "họp"}}},
		{"TCVN3 sentence between Unicode ones",
			"Kính gửi: Sở Tài chính tỉnh. Néi dung: ®Ò nghÞ bæ sung kinh phÝ. Trân trọng cảm ơn.",
			"Kính gửi: Sở Tài chính tỉnh. Nội dung: đề nghị bổ sung kinh phí. Trân trọng cảm ơn.", TCVN3,
			[]Change{{"Néi", "Nội"}, {"®Ò", "đề"}, {"nghÞ", "nghị"}, {"bæ", "bổ"}, {"phÝ.", "phí."}}},
		{"TCVN3 lines under a Unicode heading",
			"Lịch công tác tuần\nThø hai: häp giao ban.\nThø ba: kiÓm tra hå s¬.",
			"Lịch công tác tuần\nThứ hai: họp giao ban.\nThứ ba: kiểm tra hồ sơ.", TCVN3,
			[]Change{{"Thø", "Thứ"}, {"häp", "họp"}, {"kiÓm", "kiểm"}, {"hå", "hồ"}, {"s¬.", "sơ."}}},
		{"VNI sentence between Unicode ones",
			"Hà Nội, ngày 5 tháng 3. Thoâng baùo veà vieäc nghæ leã. Mọi người lưu ý.",
			"Hà Nội, ngày 5 tháng 3. Thông báo về việc nghỉ lễ. Mọi người lưu ý.", VNI,
			[]Change{{"Thoâng", "Thông"}, {"baùo", "báo"}, {"veà", "về"}, {"vieäc", "việc"}, {"nghæ", "nghỉ"}, {"leã.", "lễ."}}},
		{"VNI words inside a Unicode sentence",
			"Đề nghị Ngöôøi daân ñöôïc höôùng daãn tận tình.",
			"Đề nghị Người dân được hướng dẫn tận tình.", VNI,
			[]Change{{"Ngöôøi", "Người"}, {"daân", "dân"}, {"ñöôïc", "được"}, {"höôùng", "hướng"}, {"daãn", "dẫn"}}},
		{"VISCII sentence between Unicode ones",
			"Quyết định số 12 có hiệu lực. V« vi®c c¤p gi¤y phép xây dñng. Đề nghị thực hiện.",
			"Quyết định số 12 có hiệu lực. Về việc cấp giấy phép xây dựng. Đề nghị thực hiện.", VISCII,
			[]Change{{"V«", "Về"}, {"vi®c", "việc"}, {"c¤p", "cấp"}, {"gi¤y", "giấy"}, {"dñng.", "dựng."}}},
		{"VISCII words inside a Unicode sentence",
			"Năm nay Trß¶ng h÷c ðßþc sØa chæa khang trang.",
			"Năm nay Trường học được sửa chữa khang trang.", VISCII,
			[]Change{{"Trß¶ng", "Trường"}, {"h÷c", "học"}, {"ðßþc", "được"}, {"sØa", "sửa"}, {"chæa", "chữa"}}},
		// "qúa" is a typing slip, not legacy text: a legacy reading would
		// not make it a well-typed word, so it stays.
		{"Unicode typing slip stays", "Trời nóng qúa. Th«ng b¸o nghØ häc.", "Trời nóng qúa. Thông báo nghỉ học.", TCVN3,
			[]Change{{"Th«ng", "Thông"}, {"b¸o", "báo"}, {"nghØ", "nghỉ"}, {"häc.", "học."}}},
		// One foreign word is no legacy text, though VNI reads "où" as "ó".
		{"foreign words in Unicode text", "Ông Müller đến từ Zürich, nói « où » và cười.", "Ông Müller đến từ Zürich, nói « où » và cười.", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.in)
			if got.Text != tt.want || got.Encoding != tt.enc || got.Broken || got.Converted != (tt.enc != "") {
				t.Errorf("Check(%q) = %q, %q, converted %v, broken %v (%s); want %q, %q",
					tt.in, got.Text, got.Encoding, got.Converted, got.Broken, got.Reason, tt.want, tt.enc)
			}
			if !slices.Equal(got.Changes, tt.changes) {
				t.Errorf("Check(%q).Changes = %v, want %v", tt.in, got.Changes, tt.changes)
			}
		})
	}
}

// TestCheckMixedCorpus writes every other word of each corpus sentence in a
// legacy encoding: no correct word may change.
func TestCheckMixedCorpus(t *testing.T) {
	for _, enc := range []string{TCVN3, VNI, VISCII, CP1258} {
		for _, latin1 := range []bool{false, true} {
			for _, s := range readLines(t, "testdata/sentences.txt") {
				s = corpusFor(enc, s)
				words := strings.Split(s, " ")
				for off := range 2 {
					mixed := slices.Clone(words)
					for i := off; i < len(words); i += 2 {
						b, err := encoders[enc](words[i])
						if err != nil {
							t.Fatalf("%s: encode %q: %v", enc, words[i], err)
						}
						mixed[i] = misread(t, b, latin1)
					}
					in := strings.Join(mixed, " ")
					if !unicodeVietnamese(in) {
						continue
					}
					got := strings.Split(Check(in).Text, " ")
					if len(got) != len(words) {
						t.Errorf("%s: Check(%q) = %q: words lost or gained", enc, in, strings.Join(got, " "))
						continue
					}
					for i := 1 - off; i < len(words); i += 2 {
						if got[i] != words[i] {
							t.Errorf("%s (Latin-1 %v): Check(%q) changed the correct word %q to %q", enc, latin1, in, words[i], got[i])
						}
					}
				}
			}
		}
	}
}

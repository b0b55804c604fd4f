package vnenc

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

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
		// VN1 puts capitals with tones where VN3 has punctuation; a one-letter
		// word there is a capital when the byte is no punctuation.
		{"TCVN3 one-letter word on a Windows symbol", "™ miÒn T©y", "Ở miền Tây", TCVN3, false},
		{"TCVN3 one-letter word on a C0 code", "\x16 kiÕn cña nh©n d©n", "Ý kiến của nhân dân", TCVN3, false},
		// Windows-1258 text whose words are mostly Latin-1 letters already.
		{"CP1258 mostly Latin-1", "Du khách nên mang theo áo mýa, giày ðêì bám khi leo núi vào mùa mýa.",
			"Du khách nên mang theo áo mưa, giày đế bám khi leo núi vào mùa mưa.", CP1258, false},
		{"soft hyphens inside words", "co\u00adop\u00ader\u00adation", "co\u00adop\u00ader\u00adation", "", false},
		{"soft hyphen at a word's edge", "Tóm tắt: L\u00ad", "Tóm tắt: L\u00ad", "", true},
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

// TestCheckUTF8OnPunctuation reads UTF-8 words as Windows-1252 and as
// Latin-1 where a letter's last byte is what Windows-1252 makes punctuation
// or a symbol: the mojibake then looks like a shorter, well-formed word ("sá"
// in "sá»‘", since ‘ and » are trimmed as punctuation), and must still be
// repaired.
func TestCheckUTF8OnPunctuation(t *testing.T) {
	words := []string{
		"số",   // E1 BB 91: ‘
		"Ồ",    // E1 BB 92: ’
		"hồ",   // E1 BB 93: “
		"Ổ",    // E1 BB 94: ”
		"lễ",   // E1 BB 85: …
		"Ỗ",    // E1 BB 96: –
		"mỗi",  // E1 BB 97: —
		"Hạ",   // E1 BA A1: ¡
		"xã",   // C3 A3: £
		"có",   // C3 B3: ³
		"kỳ",   // E1 BB B3: ³
		"từ",   // E1 BB AB: «
		"chí",  // C3 AD: the soft hyphen
		"nhận", // E1 BA AD: the soft hyphen
		"TỰ",   // E1 BB B0: °
		"à",    // C3 A0: the no-break space
		"Số hồ sơ kỳ này từ xã gửi lên trước lễ, có ký tên.",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Tuổi trẻ Thủ đô hưởng ứng phong trào “Ngày chủ nhật xanh”…",
	}
	for _, w := range words {
		for _, m := range []misreading{asWindows1252, asLatin1} {
			in := misread([]byte(w), m)
			got := Check(in)
			if got.Text != w || got.Encoding != UTF8AsCP1252 || !got.Converted || got.Broken {
				t.Errorf("Check(%q) (%s) = %q, %q, converted %v, broken %v (%s); want %q, %q",
					in, m.name, got.Text, got.Encoding, got.Converted, got.Broken, got.Reason, w, UTF8AsCP1252)
			}
		}
	}
}

// TestCheckUTF8LostBytes reads UTF-8 with a decoder that turns the bytes
// Windows-1252 leaves undefined into U+FFFD or drops them. A lost byte that
// only one Vietnamese letter fits is restored; one that several fit ("về",
// "vọ", "vỏ", "vờ") makes the text broken.
func TestCheckUTF8LostBytes(t *testing.T) {
	tests := []struct {
		text   string
		m      misreading
		broken bool
	}{
		{"Đà Nẵng", asWindows1252FFFD, false},    // Đ is C4 90
		{"người", asWindows1252FFFD, false},      // ờ is E1 BB 9D; ươ needs ơ
		{"Trường học", asWindows1252FFFD, false}, // ọ is E1 BB 8D; -c takes the acute or the dot below
		{"Độc lập", asWindows1252Dropped, false},
		{"Người dân", asWindows1252Dropped, false},
		{"về nhà", asWindows1252FFFD, true},
		{"về nhà", asWindows1252Dropped, true},
		{"Ý KIẾN", asWindows1252Dropped, true}, // Á, Í or Ý
	}
	for _, tt := range tests {
		in := misread([]byte(tt.text), tt.m)
		got := Check(in)
		if tt.broken {
			if !got.Broken || got.Reason == "" || got.ReasonVI == "" {
				t.Errorf("Check(%q) (%s) = %q, broken %v; want broken with a reason", in, tt.m.name, got.Text, got.Broken)
			}
			continue
		}
		if got.Text != tt.text || got.Encoding != UTF8AsCP1252 || got.Broken {
			t.Errorf("Check(%q) (%s) = %q, %q, broken %v (%s); want %q", in, tt.m.name, got.Text, got.Encoding, got.Broken, got.Reason, tt.text)
		}
	}
}

// TestCheckVISCIISoftHyphen feeds VISCII text holding ễ, which VISCII puts
// on 0xAD, the soft hyphen of Windows-1252, and TCVN3 reads as ư. Check must
// convert it as VISCII or, where both readings are Vietnamese and nothing
// tells them apart, refuse it as broken: never convert it as TCVN3.
func TestCheckVISCIISoftHyphen(t *testing.T) {
	tests := []struct {
		text      string
		ambiguous bool // "Lễ" and "Lư" are both words: broken is right too
	}{
		{"Lễ tân", false},  // TCVN3 turns "tân" into "tõn"
		{"lễ phép", false}, // TCVN3 turns "phép" into "phộp"
		{"Nghỉ lễ", false}, // TCVN3 reads "Nghù", which is no spelling
		{"Lễ hội đền Hùng năm nay được tổ chức trang trọng.", false},
		{"Lễ hội", true},    // TCVN3 reads "Lư hài"
		{"Lễ Vu Lan", true}, // TCVN3 reads "Lư Vu Lan"
		{"Lễ", true},
		{"Lễ.", true},
		{"LỄ HỘI", true},
	}
	for _, tt := range tests {
		b, err := encodeVISCII(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []misreading{asWindows1252, asLatin1} {
			in := misread(b, m)
			got := Check(in)
			ok := got.Text == tt.text && got.Encoding == VISCII && got.Converted && !got.Broken
			if tt.ambiguous {
				ok = ok || (got.Broken && got.Reason != "" && got.ReasonVI != "")
			}
			if !ok {
				t.Errorf("Check(%q) (%s) = %q, %q, converted %v, broken %v (%s); want %q, %q",
					in, m.name, got.Text, got.Encoding, got.Converted, got.Broken, got.Reason, tt.text, VISCII)
			}
		}
	}
	// In a Unicode text, one VISCII word is converted or flagged.
	in := "Chương trình L\u00ad hội năm nay có nhiều hoạt động."
	if got := Check(in); !got.Broken && got.Text != "Chương trình Lễ hội năm nay có nhiều hoạt động." {
		t.Errorf("Check(%q) = %q, %q, broken %v; want it converted or broken", in, got.Text, got.Encoding, got.Broken)
	}
}

// TestCheckMixedEncodings feeds text in two encodings: what one reading
// leaves is read again, the encoding named is the one that explains most
// words, and the changes come in the order of the text.
func TestCheckMixedEncodings(t *testing.T) {
	in := "C¸c c¬ quan nhµ n\u00adíc ph¶i c«ng khai th«ng tin, Ä‘áº¹p."
	got := Check(in)
	want := []Change{{"C¸c", "Các"}, {"c¬", "cơ"}, {"nhµ", "nhà"}, {"n\u00adíc", "nước"}, {"ph¶i", "phải"},
		{"c«ng", "công"}, {"th«ng", "thông"}, {"Ä‘áº¹p.", "đẹp."}}
	if got.Text != "Các cơ quan nhà nước phải công khai thông tin, đẹp." || got.Encoding != TCVN3 || !got.Converted || got.Broken {
		t.Errorf("Check(%q) = %q, %q, converted %v, broken %v", in, got.Text, got.Encoding, got.Converted, got.Broken)
	}
	if !slices.Equal(got.Changes, want) {
		t.Errorf("Check(%q).Changes = %v, want %v", in, got.Changes, want)
	}
	if !strings.Contains(got.Reason, "UTF-8") || !strings.Contains(got.Reason, "TCVN3") {
		t.Errorf("Check(%q).Reason = %q, want both readings named", in, got.Reason)
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
// mojibake cut, spliced and salted with random characters, and checks the
// properties FuzzCheck checks.
func TestCheckProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var pool []string
	for _, s := range readLines(t, corpusFile) {
		pool = append(pool, s)
		for _, enc := range []string{TCVN3, VNI, VISCII, CP1258} {
			if b, err := encoders[enc](corpusFor(enc, s)); err == nil {
				pool = append(pool, misread(b, asWindows1252), misread(b, asLatin1))
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
		checkProperties(t, in)
	}
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
		for _, m := range []misreading{asWindows1252, asLatin1} {
			for _, s := range readLines(t, corpusFile) {
				s = corpusFor(enc, s)
				words := strings.Split(s, " ")
				for off := range 2 {
					in := everyOtherWord(t, enc, m, words, off)
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
							t.Errorf("%s read as %s: Check(%q) changed the correct word %q to %q", enc, m.name, in, words[i], got[i])
						}
					}
				}
			}
		}
	}
}

// everyOtherWord is words with every other one, from off, encoded in enc
// and misread as m, one space apart.
func everyOtherWord(t *testing.T, enc string, m misreading, words []string, off int) string {
	t.Helper()
	mixed := slices.Clone(words)
	for i := off; i < len(words); i += 2 {
		b, err := encoders[enc](words[i])
		if err != nil {
			t.Fatalf("%s: encode %q: %v", enc, words[i], err)
		}
		mixed[i] = misread(b, m)
	}
	return strings.Join(mixed, " ")
}

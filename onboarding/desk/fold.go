package desk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fold maps a letter to its search form. Search is case- and
// script-insensitive: every letter folds to a plain Latin spelling, so
// Kazakh letters meet their near Russian equivalents (ә and а both fold to
// a, қ and к to k, і and и to i, ү, ұ and у to u) and a query typed in
// Latin letters finds Cyrillic names spelled that way ("tirkeu" finds
// "тіркеу", "registratsiya" finds "регистрация"). Letters of the Kazakh
// Latin alphabet (ä, ğ, q, ñ, ö, ū, ü, ı, ş) fold the same way.
var fold = map[rune]string{
	// Russian
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "h", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "sh",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Kazakh letters, to their near Russian equivalents
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i",
	// Kazakh Latin and other Latin letters with marks
	'ä': "a", 'á': "a", 'ğ': "g", 'ñ': "n", 'ö': "o", 'ó': "o", 'ū': "u", 'ü': "u", 'ú': "u",
	'ı': "i", 'í': "i", 'ş': "sh", 'ç': "ch", 'é': "e", 'q': "k",
}

// Normalize returns s as the desk searches it: lower case, folded to plain
// Latin letters (see the package doc), with every run of other characters
// (spaces, punctuation, marks) as one space, trimmed. Digits are kept.
func Normalize(s string) string { return string(appendNormalized(nil, s)) }

// appendNormalized appends the normalized form of s to dst.
func appendNormalized(dst []byte, s string) []byte {
	start := len(dst)
	sep := false // a separator is pending
	put := func(c byte) {
		if sep {
			if len(dst) > start {
				dst = append(dst, ' ')
			}
			sep = false
		}
		// "kh" is how Russian is transliterated for х: fold it to h as х is.
		// Every k before the h goes ("kqh" is k, k, h), so the result
		// holds no "kh" and normalizing it again changes nothing.
		if c == 'h' {
			for len(dst) > start && dst[len(dst)-1] == 'k' {
				dst = dst[:len(dst)-1]
			}
		}
		dst = append(dst, c)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == 'q' || c == 'Q':
				put('k')
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				put(c)
			case c >= 'A' && c <= 'Z':
				put(c + 'a' - 'A')
			default:
				sep = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		l := unicode.ToLower(r)
		if f, ok := fold[l]; ok {
			for j := 0; j < len(f); j++ {
				put(f[j])
			}
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark (й written as и + breve): the base letter is enough
		case unicode.IsLetter(l) || unicode.IsDigit(l):
			var buf [utf8.UTFMax]byte
			for _, b := range buf[:utf8.EncodeRune(buf[:], l)] {
				put(b)
			}
		default:
			sep = true
		}
	}
	return dst
}

// tokens returns the words of the normalized s.
func tokens(s string) []string { return strings.Fields(Normalize(s)) }

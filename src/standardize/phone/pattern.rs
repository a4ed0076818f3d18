//! The small regular-expression language of libphonenumber's metadata, over ASCII
//! digits: literals, `\d`, classes such as `[2-57-9]`, groups `(?:…)` and `(…)`,
//! alternation, and the greedy quantifiers `?`, `*`, `+`, `{n}`, `{n,m}`, `{n,}`.
//!
//! Whole-number matches run on a [`PatternSet`]: one DFA for all the patterns of a
//! numbering plan, which tells in a single pass over the digits (one table
//! look-up per digit) which of the patterns match. Prefix matches, which the
//! international and national prefixes need together with their capture groups,
//! run on a [`Pattern`]: a backtracking matcher with the leftmost-first, greedy
//! semantics of the regex engines libphonenumber was written for, so
//! `0?(?:(11)15)?` captures exactly what Java or Python would.

use std::collections::HashMap;

/// Every digit.
const ANY: u16 = 0x3ff;
/// An unbounded repetition.
const INF: u8 = u8::MAX;
/// The most capture groups a pattern may have (libphonenumber uses two at most).
pub(super) const MAX_GROUPS: usize = 4;

/// The spans captured by groups `1..MAX_GROUPS` (index 0 is unused).
pub(super) type Captures = [Option<(usize, usize)>; MAX_GROUPS];

#[derive(Debug)]
enum Node {
    /// One digit out of a set (bit `d` for digit `d`).
    Class(u16),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    /// Greedy repetition, `min..=max` times (`INF`: no upper bound).
    Repeat(Box<Node>, u8, u8),
    /// A group, capturing when it has a number.
    Group(Box<Node>, Option<usize>),
}

/// A pattern for prefix matches with capture groups.
#[derive(Debug)]
pub(super) struct Pattern {
    root: Node,
    /// The number of capture groups.
    groups: usize,
    /// The digits a match can start with (bit `d` for digit `d`).
    first: u16,
    /// Whether the pattern matches the empty string.
    nullable: bool,
    /// Whether some capture group can match the empty string, so that an empty
    /// match may still capture something.
    empty_captures: bool,
}

impl Pattern {
    /// Compiles a pattern, or says what in it is outside the supported subset.
    pub(super) fn new(source: &str) -> Result<Pattern, String> {
        let (root, groups) = parse(source)?;
        Ok(Pattern::with_root(root, groups))
    }

    /// A pattern that matches nothing.
    pub(super) fn never() -> Pattern {
        Pattern::with_root(Node::Alt(Vec::new()), 0)
    }

    fn with_root(root: Node, groups: usize) -> Pattern {
        Pattern {
            first: first_digits(&root),
            nullable: nullable(&root),
            empty_captures: empty_captures(&root),
            root,
            groups,
        }
    }

    /// The number of capture groups.
    pub(super) fn groups(&self) -> usize {
        self.groups
    }

    /// The leftmost-first match anchored at the start of `digits` (which need not
    /// all be matched): where it ends and what its groups captured.
    pub(super) fn match_prefix(&self, digits: &[u8]) -> Option<(usize, Captures)> {
        let mut caps: Captures = [None; MAX_GROUPS];
        // A number whose first digit no match can start with (a mobile `9 11
        // …` against Argentina's trunk prefix) only matches empty, and then
        // captures nothing: no need to backtrack through every alternative.
        let can_start = digits
            .first()
            .is_some_and(|&d| d.is_ascii_digit() && self.first & (1 << (d - b'0')) != 0);
        if !can_start && !self.empty_captures {
            return self.nullable.then_some((0, caps));
        }
        let mut found = None;
        backtrack(&self.root, digits, 0, &mut caps, &mut |end, caps| {
            found = Some((end, *caps));
            true
        });
        found
    }
}

/// Up to 32 patterns matched together against whole numbers.
#[derive(Debug)]
pub(super) struct PatternSet {
    /// DFA transitions; state 0 rejects, state 1 starts.
    trans: Vec<[u16; 10]>,
    /// Per state, bit `i` set when pattern `i` matches everything read so far.
    accept: Vec<u32>,
}

impl PatternSet {
    /// Compiles the patterns (at most 32), or says what in one of them is
    /// outside the supported subset.
    pub(super) fn new(sources: &[&str]) -> Result<PatternSet, String> {
        if sources.len() > 32 {
            return Err("more than 32 patterns".to_string());
        }
        let roots = sources
            .iter()
            .map(|s| parse(s).map(|(root, _)| root))
            .collect::<Result<Vec<_>, _>>()?;
        let (trans, accept) = determinize(&roots)?;
        Ok(PatternSet { trans, accept })
    }

    /// A set of no patterns.
    pub(super) fn empty() -> PatternSet {
        PatternSet {
            trans: vec![[0; 10], [0; 10]],
            accept: vec![0, 0],
        }
    }

    /// Bit `i` set for each pattern `i` that matches all of `digits` (ASCII
    /// digits).
    pub(super) fn matches(&self, digits: &[u8]) -> u32 {
        let mut state = 1usize;
        for &c in digits {
            let d = c.wrapping_sub(b'0') as usize;
            state = match self.trans.get(state).and_then(|row| row.get(d)) {
                Some(&next) if next != 0 => next as usize,
                _ => return 0,
            };
        }
        self.accept.get(state).copied().unwrap_or(0)
    }

    /// The number of DFA states, for tests.
    #[cfg(test)]
    pub(super) fn states(&self) -> usize {
        self.trans.len()
    }
}

/// Parses a whole pattern; returns it and its number of capture groups.
fn parse(source: &str) -> Result<(Node, usize), String> {
    let mut parser = Parser {
        s: source.as_bytes(),
        i: 0,
        groups: 0,
    };
    let root = parser.alt()?;
    if parser.i != parser.s.len() {
        return Err(format!("unexpected `)` at {} in {source}", parser.i));
    }
    if parser.groups >= MAX_GROUPS {
        return Err(format!("too many groups in {source}"));
    }
    Ok((root, parser.groups))
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn alt(&mut self) -> Result<Node, String> {
        let mut alts = vec![self.seq()?];
        while self.peek() == Some(b'|') {
            self.i += 1;
            alts.push(self.seq()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Alt(alts)
        })
    }

    fn seq(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Seq(items)
        })
    }

    fn atom(&mut self) -> Result<Node, String> {
        let at = self.i;
        match self.next() {
            Some(d @ b'0'..=b'9') => Ok(Node::Class(1 << (d - b'0'))),
            Some(b'\\') => match self.next() {
                Some(b'd') => Ok(Node::Class(ANY)),
                _ => Err(format!("unsupported escape at {at}")),
            },
            Some(b'[') => {
                let mut set = 0u16;
                loop {
                    match self.next() {
                        Some(b']') if set != 0 => break,
                        Some(b'\\') if self.next() == Some(b'd') => set |= ANY,
                        Some(a @ b'0'..=b'9') => {
                            let mut b = a;
                            if self.peek() == Some(b'-') {
                                self.i += 1;
                                match self.next() {
                                    Some(z @ b'0'..=b'9') if z >= a => b = z,
                                    _ => return Err(format!("bad range at {at}")),
                                }
                            }
                            for x in a..=b {
                                set |= 1 << (x - b'0');
                            }
                        }
                        _ => return Err(format!("unsupported class at {at}")),
                    }
                }
                Ok(Node::Class(set))
            }
            Some(b'(') => {
                let capture = if self.s.get(self.i..self.i + 2) == Some(b"?:") {
                    self.i += 2;
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let inner = self.alt()?;
                if self.next() != Some(b')') {
                    return Err(format!("unclosed group at {at}"));
                }
                Ok(Node::Group(Box::new(inner), capture))
            }
            _ => Err(format!("unsupported syntax at {at}")),
        }
    }

    fn number(&mut self) -> Option<u8> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        std::str::from_utf8(self.s.get(start..self.i)?)
            .ok()?
            .parse::<u8>()
            .ok()
            .filter(|&n| n < INF)
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let at = self.i;
        let (min, max) = match self.peek() {
            Some(b'?') => (0, 1),
            Some(b'*') => (0, INF),
            Some(b'+') => (1, INF),
            Some(b'{') => {
                self.i += 1;
                let min = self.number().ok_or(format!("bad count at {at}"))?;
                let max = if self.peek() == Some(b',') {
                    self.i += 1;
                    if self.peek() == Some(b'}') {
                        INF
                    } else {
                        self.number().ok_or(format!("bad count at {at}"))?
                    }
                } else {
                    min
                };
                if self.peek() != Some(b'}') || max < min {
                    return Err(format!("bad count at {at}"));
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.i += 1;
        if matches!(self.peek(), Some(b'?' | b'*' | b'+' | b'{')) {
            return Err(format!("lazy or stacked quantifier at {at}"));
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }
}

/// Whether `node` matches the empty string.
fn nullable(node: &Node) -> bool {
    match node {
        Node::Class(_) => false,
        Node::Seq(items) => items.iter().all(nullable),
        Node::Alt(alts) => alts.iter().any(nullable),
        Node::Repeat(inner, min, _) => *min == 0 || nullable(inner),
        Node::Group(inner, _) => nullable(inner),
    }
}

/// The digits a non-empty match of `node` can start with.
fn first_digits(node: &Node) -> u16 {
    match node {
        Node::Class(set) => *set,
        Node::Seq(items) => {
            let mut first = 0;
            for item in items {
                first |= first_digits(item);
                if !nullable(item) {
                    break;
                }
            }
            first
        }
        Node::Alt(alts) => alts.iter().fold(0, |set, a| set | first_digits(a)),
        Node::Repeat(inner, _, max) => {
            if *max == 0 {
                0
            } else {
                first_digits(inner)
            }
        }
        Node::Group(inner, _) => first_digits(inner),
    }
}

/// Whether some capture group in `node` matches the empty string.
fn empty_captures(node: &Node) -> bool {
    match node {
        Node::Class(_) => false,
        Node::Seq(items) => items.iter().any(empty_captures),
        Node::Alt(alts) => alts.iter().any(empty_captures),
        Node::Repeat(inner, _, _) => empty_captures(inner),
        Node::Group(inner, capture) => {
            (capture.is_some() && nullable(inner)) || empty_captures(inner)
        }
    }
}

/// Leftmost-first backtracking: calls `k` with each place `node` can end when
/// started at `pos`, in priority order, until `k` accepts.
fn backtrack(
    node: &Node,
    s: &[u8],
    pos: usize,
    caps: &mut Captures,
    k: &mut dyn FnMut(usize, &mut Captures) -> bool,
) -> bool {
    match node {
        Node::Class(set) => match s.get(pos) {
            Some(&c) if c.is_ascii_digit() && set & (1 << (c - b'0')) != 0 => k(pos + 1, caps),
            _ => false,
        },
        Node::Seq(items) => backtrack_seq(items, s, pos, caps, k),
        Node::Alt(alts) => alts.iter().any(|a| backtrack(a, s, pos, caps, k)),
        Node::Group(inner, None) => backtrack(inner, s, pos, caps, k),
        Node::Group(inner, Some(i)) => {
            let i = *i;
            backtrack(inner, s, pos, caps, &mut |end, caps: &mut Captures| {
                let old = caps.get(i).copied().flatten();
                if let Some(slot) = caps.get_mut(i) {
                    *slot = Some((pos, end));
                }
                if k(end, caps) {
                    return true;
                }
                if let Some(slot) = caps.get_mut(i) {
                    *slot = old;
                }
                false
            })
        }
        Node::Repeat(inner, min, max) => backtrack_repeat(inner, *min, *max, 0, s, pos, caps, k),
    }
}

fn backtrack_seq(
    items: &[Node],
    s: &[u8],
    pos: usize,
    caps: &mut Captures,
    k: &mut dyn FnMut(usize, &mut Captures) -> bool,
) -> bool {
    match items.split_first() {
        None => k(pos, caps),
        Some((first, rest)) => backtrack(first, s, pos, caps, &mut |p, caps: &mut Captures| {
            backtrack_seq(rest, s, p, caps, k)
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn backtrack_repeat(
    inner: &Node,
    min: u8,
    max: u8,
    count: u8,
    s: &[u8],
    pos: usize,
    caps: &mut Captures,
    k: &mut dyn FnMut(usize, &mut Captures) -> bool,
) -> bool {
    if (max == INF || count < max)
        && backtrack(inner, s, pos, caps, &mut |p, caps: &mut Captures| {
            // An empty iteration past the minimum could loop for ever.
            (p != pos || count < min)
                && backtrack_repeat(inner, min, max, count.saturating_add(1), s, p, caps, k)
        })
    {
        return true;
    }
    count >= min && k(pos, caps)
}

/// A Thompson NFA: per state, its epsilon moves and at most one digit move.
#[derive(Default)]
struct Nfa {
    eps: Vec<Vec<u32>>,
    edge: Vec<Option<(u16, u32)>>,
}

impl Nfa {
    fn state(&mut self) -> u32 {
        self.eps.push(Vec::new());
        self.edge.push(None);
        (self.eps.len() - 1) as u32
    }

    fn link(&mut self, from: u32, to: u32) {
        if let Some(v) = self.eps.get_mut(from as usize) {
            v.push(to);
        }
    }

    /// Adds `node`; returns its entry and exit states.
    fn build(&mut self, node: &Node) -> (u32, u32) {
        match node {
            Node::Class(set) => {
                let (a, b) = (self.state(), self.state());
                if let Some(e) = self.edge.get_mut(a as usize) {
                    *e = Some((*set, b));
                }
                (a, b)
            }
            Node::Seq(items) => {
                let start = self.state();
                let mut cur = start;
                for item in items {
                    let (a, b) = self.build(item);
                    self.link(cur, a);
                    cur = b;
                }
                (start, cur)
            }
            Node::Alt(alts) => {
                let (start, end) = (self.state(), self.state());
                for alt in alts {
                    let (a, b) = self.build(alt);
                    self.link(start, a);
                    self.link(b, end);
                }
                (start, end)
            }
            Node::Group(inner, _) => self.build(inner),
            Node::Repeat(inner, min, max) => {
                let start = self.state();
                let mut cur = start;
                for _ in 0..*min {
                    let (a, b) = self.build(inner);
                    self.link(cur, a);
                    cur = b;
                }
                if *max == INF {
                    let hub = self.state();
                    let (a, b) = self.build(inner);
                    self.link(cur, hub);
                    self.link(hub, a);
                    self.link(b, hub);
                    (start, hub)
                } else {
                    let end = self.state();
                    for _ in *min..*max {
                        self.link(cur, end);
                        let (a, b) = self.build(inner);
                        self.link(cur, a);
                        cur = b;
                    }
                    self.link(cur, end);
                    (start, end)
                }
            }
        }
    }

    /// Adds to `set` every state its states reach by empty moves, then sorts
    /// it. `scratch` is reused from call to call: which states are in the set
    /// (all unmarked between calls), and a stack.
    fn closure(&self, set: &mut Vec<u32>, scratch: &mut Scratch) {
        let Scratch { seen, stack } = scratch;
        seen.resize(self.eps.len(), false);
        set.retain(|&s| match seen.get_mut(s as usize) {
            Some(mark) if !*mark => {
                *mark = true;
                true
            }
            _ => false,
        });
        stack.clear();
        stack.extend_from_slice(set);
        while let Some(s) = stack.pop() {
            for &t in self.eps.get(s as usize).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(mark) = seen.get_mut(t as usize).filter(|mark| !**mark) {
                    *mark = true;
                    set.push(t);
                    stack.push(t);
                }
            }
        }
        for &s in set.iter() {
            if let Some(mark) = seen.get_mut(s as usize) {
                *mark = false;
            }
        }
        set.sort_unstable();
    }
}

/// Working space of [`Nfa::closure`], kept across calls.
#[derive(Default)]
struct Scratch {
    seen: Vec<bool>,
    stack: Vec<u32>,
}

/// The subset construction: one DFA over the ten digits for all the patterns,
/// each accepting state tagged with the patterns that accept there.
#[allow(clippy::type_complexity)]
fn determinize(roots: &[Node]) -> Result<(Vec<[u16; 10]>, Vec<u32>), String> {
    let mut nfa = Nfa::default();
    let start = nfa.state();
    let mut ends = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        let (a, b) = nfa.build(root);
        nfa.link(start, a);
        ends.push((b, 1u32 << i));
    }
    let tags = |set: &[u32]| {
        ends.iter()
            .filter(|(end, _)| set.binary_search(end).is_ok())
            .fold(0u32, |m, (_, bit)| m | bit)
    };
    let mut scratch = Scratch::default();
    let mut first = vec![start];
    nfa.closure(&mut first, &mut scratch);
    let mut trans = vec![[0u16; 10], [0u16; 10]];
    let mut accept = vec![0, tags(&first)];
    let mut ids: HashMap<Vec<u32>, u16, foldhash::fast::FixedState> = HashMap::default();
    ids.insert(first.clone(), 1);
    let mut work = vec![(first, 1u16)];
    // The states after a digit, built in one buffer, copied only when new.
    let mut next: Vec<u32> = Vec::new();
    while let Some((set, id)) = work.pop() {
        for d in 0..10u16 {
            next.clear();
            next.extend(
                set.iter()
                    .filter_map(|&s| nfa.edge.get(s as usize).copied().flatten())
                    .filter(|&(class, _)| class & (1 << d) != 0)
                    .map(|(_, t)| t),
            );
            if next.is_empty() {
                continue;
            }
            nfa.closure(&mut next, &mut scratch);
            let target = match ids.get(next.as_slice()) {
                Some(&t) => t,
                None => {
                    let t = u16::try_from(trans.len()).map_err(|_| "DFA too large".to_string())?;
                    trans.push([0; 10]);
                    accept.push(tags(&next));
                    ids.insert(next.clone(), t);
                    work.push((next.clone(), t));
                    t
                }
            };
            if let Some(row) = trans.get_mut(id as usize) {
                row[d as usize] = target;
            }
        }
    }
    Ok((trans, accept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(p: &str, s: &str) -> bool {
        PatternSet::new(&[p]).unwrap().matches(s.as_bytes()) == 1
    }

    #[test]
    fn sets_tell_which_patterns_match() {
        let set = PatternSet::new(&[r"\d{3}", r"1\d\d", r"12", r"[89]00"]).unwrap();
        assert_eq!(set.matches(b"123"), 0b0011);
        assert_eq!(set.matches(b"12"), 0b0100);
        assert_eq!(set.matches(b"800"), 0b1001);
        assert_eq!(set.matches(b"1234"), 0);
        assert_eq!(set.matches(b""), 0);
        assert_eq!(PatternSet::empty().matches(b"1"), 0);
        assert_eq!(Pattern::never().match_prefix(b"1"), None);
    }

    #[test]
    fn whole_matches() {
        assert!(full(r"9\d{8}", "912345678"));
        assert!(!full(r"9\d{8}", "91234567"));
        assert!(!full(r"9\d{8}", "9123456789"));
        assert!(full(r"800\d{7,8}", "80012345678"));
        assert!(full(r"(?:123|8)00\d{6}", "800123456"));
        assert!(full(r"(?:123|8)00\d{6}", "12300123456"));
        assert!(full(r"[2-57-9]1?", "71"));
        assert!(!full(r"[2-57-9]1?", "61"));
        assert!(full(r"1+2*", "1112"));
        assert!(full(r"1{2,}", "111"));
        assert!(!full(r"1{2,}", "1"));
        assert!(!full(r"1", "1a"));
        assert!(full(r"", ""));
    }

    #[test]
    fn prefix_matches_are_leftmost_first() {
        let p = Pattern::new(r"0?(?:(11|2(?:2|3)?)15)?").unwrap();
        assert_eq!(p.groups(), 1);
        let (end, caps) = p.match_prefix(b"01115234").unwrap();
        assert_eq!((end, caps[1]), (5, Some((1, 3))));
        let (end, caps) = p.match_prefix(b"0231512").unwrap();
        assert_eq!((end, caps[1]), (5, Some((1, 3))));
        let (end, caps) = p.match_prefix(b"0221512").unwrap();
        assert_eq!((end, caps[1]), (5, Some((1, 3))));
        let (end, caps) = p.match_prefix(b"0241512").unwrap();
        assert_eq!((end, caps[1]), (1, None));
        let (end, _) = p.match_prefix(b"99").unwrap();
        assert_eq!(end, 0);
        let p = Pattern::new(r"00|19(?:1[124]|77|90)00").unwrap();
        assert_eq!(p.match_prefix(b"1977005").map(|m| m.0), Some(6));
        assert_eq!(p.match_prefix(b"1978005"), None);
        let p = Pattern::new(r"(?:0|90)(?:(1[245])(\d{10,11}))?").unwrap();
        let (end, caps) = p.match_prefix(b"0141123456789").unwrap();
        assert_eq!((end, caps[1], caps[2]), (13, Some((1, 3)), Some((3, 13))));
    }

    #[test]
    fn first_digits_decide_without_backtracking() {
        let p = Pattern::new(r"0?(?:(11|2(?:2|3)?)15)?").unwrap();
        assert_eq!(
            (p.first, p.nullable, p.empty_captures),
            (0b111, true, false)
        );
        assert_eq!(
            p.match_prefix(b"91123456789"),
            Some((0, [None; MAX_GROUPS]))
        );
        assert_eq!(p.match_prefix(b""), Some((0, [None; MAX_GROUPS])));
        let p = Pattern::new(r"00|19(?:1[124]|77|90)00").unwrap();
        assert!(!p.nullable);
        assert_eq!(p.match_prefix(b"5411"), None);
        // An empty group still captures on an empty match: backtrack then.
        let p = Pattern::new(r"(\d*)5?").unwrap();
        assert!(p.empty_captures);
        assert_eq!(
            p.match_prefix(b""),
            Some((0, [None, Some((0, 0)), None, None]))
        );
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        for p in [
            "[^1]", "a", r"\w", "(1", "1)", "1{3,2}", "1??", "[]", "[1-]",
        ] {
            assert!(Pattern::new(p).is_err(), "{p}");
            assert!(PatternSet::new(&[p]).is_err(), "{p}");
        }
    }
}

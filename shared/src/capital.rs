//! 大写金额 (R10): amounts written in capital Chinese numerals for confirmations, following the
//! People's Bank of China convention (《支付结算办法》附一《正确填写票据和结算凭证的基本规定》):
//!
//! * 壹贰叁肆伍陆柒捌玖 with 拾佰仟, 万, 亿; "壹拾" is always written ("壹拾元整").
//! * A run of zeros inside the number is one 零 ("壹亿零伍万元整"); zeros at the end of the
//!   number are silent. Where PBoC makes the 零 optional (万位 or 元位 zero before a non-zero
//!   千位 or 角位) we always write it, so our documents never mix the two forms:
//!   107,000.53 → 壹拾万零柒仟元零伍角叁分.
//! * When the 元 digit is 0 and there are 角, a 零 follows 元 ("壹拾万元零壹角").
//! * 角 without 分 ends there ("…零壹角"); 分 without 角 is "零X分" after an integer part; an
//!   amount with no 角 and no 分 ends with 整. Below one 元 there is no 元 ("伍分").

use crate::quantity::Money;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// Units inside a group of four digits, lowest first.
const IN_GROUP: [&str; 4] = ["", "拾", "佰", "仟"];
/// Units of successive groups of four, lowest first. [`Money`] stays below 1 万亿元.
const GROUPS: [&str; 3] = ["", "万", "亿"];

/// Writes an amount in 大写, e.g. 18,815,100.00 → 壹仟捌佰捌拾壹万伍仟壹佰元整.
pub fn to_capital(amount: Money) -> String {
    let fen = amount.fen();
    let yuan = fen / 100;
    let jiao = (fen / 10 % 10) as usize;
    let fen_digit = (fen % 10) as usize;
    if fen == 0 {
        return "零元整".to_string();
    }
    let mut out = String::new();
    if yuan > 0 {
        out.push_str(&integer_capital(yuan));
        out.push('元');
    }
    match (jiao, fen_digit) {
        (0, 0) => out.push('整'),
        (j, f) => {
            let yuan_digit_zero = yuan > 0 && yuan % 10 == 0;
            if j > 0 {
                if yuan_digit_zero {
                    out.push('零');
                }
                out.push(DIGITS[j]);
                out.push('角');
            } else if yuan > 0 {
                out.push('零');
            }
            if f > 0 {
                out.push(DIGITS[f]);
                out.push('分');
            }
        }
    }
    out
}

/// The integer part (yuan > 0) in capital numerals, without the 元.
fn integer_capital(yuan: i64) -> String {
    let digits: Vec<usize> = yuan
        .to_string()
        .bytes()
        .map(|b| (b - b'0') as usize)
        .collect();
    let len = digits.len();
    let mut out = String::new();
    let mut zero_pending = false;
    let mut group_has_digit = false;
    for (i, &d) in digits.iter().enumerate() {
        let position = len - 1 - i;
        let in_group = position % 4;
        let group = position / 4;
        if d == 0 {
            zero_pending = !out.is_empty();
        } else {
            if zero_pending {
                out.push('零');
                zero_pending = false;
            }
            out.push(DIGITS[d]);
            out.push_str(IN_GROUP[in_group]);
            group_has_digit = true;
        }
        if in_group == 0 {
            if group_has_digit {
                out.push_str(GROUPS[group]);
            }
            group_has_digit = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(s: &str) -> String {
        to_capital(Money::parse(s).expect("valid money"))
    }

    #[test]
    fn the_product_table_is_written_exactly() {
        assert_eq!(cap("18815100.00"), "壹仟捌佰捌拾壹万伍仟壹佰元整");
        assert_eq!(cap("0.05"), "伍分");
        assert_eq!(cap("10.00"), "壹拾元整");
        assert_eq!(cap("100000.10"), "壹拾万元零壹角");
        assert_eq!(cap("1000000000.00"), "壹拾亿元整");
        assert_eq!(cap("0"), "零元整");
    }

    #[test]
    fn notice_amounts() {
        assert_eq!(cap("4383375.00"), "肆佰叁拾捌万叁仟叁佰柒拾伍元整");
        assert_eq!(cap("500000"), "伍拾万元整");
        assert_eq!(cap("1900000"), "壹佰玖拾万元整");
    }

    #[test]
    fn zeros_inside_and_at_group_boundaries() {
        assert_eq!(cap("100050000"), "壹亿零伍万元整");
        assert_eq!(cap("100000001"), "壹亿零壹元整");
        assert_eq!(cap("1004.50"), "壹仟零肆元伍角");
        assert_eq!(cap("1680.32"), "壹仟陆佰捌拾元零叁角贰分");
        assert_eq!(cap("107000.53"), "壹拾万零柒仟元零伍角叁分");
        assert_eq!(cap("100010"), "壹拾万零壹拾元整");
        assert_eq!(cap("10001000"), "壹仟万零壹仟元整");
        assert_eq!(cap("10000"), "壹万元整");
        assert_eq!(cap("99999"), "玖万玖仟玖佰玖拾玖元整");
        assert_eq!(cap("200000000000"), "贰仟亿元整");
        assert_eq!(
            cap("999999999999.99"),
            "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"
        );
        assert_eq!(cap("1000100001"), "壹拾亿零壹拾万零壹元整");
    }

    #[test]
    fn jiao_and_fen() {
        assert_eq!(cap("0.10"), "壹角");
        assert_eq!(cap("0.15"), "壹角伍分");
        assert_eq!(cap("1.05"), "壹元零伍分");
        assert_eq!(cap("1.50"), "壹元伍角");
        assert_eq!(cap("10.50"), "壹拾元零伍角");
        assert_eq!(cap("10.05"), "壹拾元零伍分");
        assert_eq!(cap("3.21"), "叁元贰角壹分");
    }
}

"""How the till words the core's values for a cashier: tiers, categories, prices, the verdict on a
scanned code, a refused redemption. English source text through Qt's translation system
(context "Wording"); the Chinese is in resources/translations/lantern_zh_CN.ts. The core and the
services keep their own English for logs and the command line."""

from __future__ import annotations

from datetime import tzinfo

from desktop.core.catalogue import Band, Gift, GiftKind, Price
from desktop.core.codes import CodeRefused, Verdict
from desktop.core.errors import NotFound, PinKeyMissing, StorageProblem, StorageUnavailable
from desktop.core.members import Tier
from desktop.core.money import yuan_text
from desktop.core.offline import OfflineCheck
from desktop.core.redemption import Refusal, RefusalReason
from desktop.ui.qt import QCoreApplication

translate = QCoreApplication.translate


def points_text(points: int) -> str:
    return f"{points:,}"


def money_text(fen: int) -> str:
    return f"¥{yuan_text(fen)}"


def price_text(price: Price) -> str:
    if not price.with_cash:
        return translate("Wording", "{points} pts").format(points=points_text(price.points))
    if not price.points:
        return money_text(price.cash_fen)
    return translate("Wording", "{points} pts + {cash}").format(
        points=points_text(price.points), cash=money_text(price.cash_fen)
    )


def tier_name(tier: Tier) -> str:
    return {
        Tier.REGULAR: translate("Wording", "Regular"),
        Tier.SILVER: translate("Wording", "Silver"),
        Tier.GOLD: translate("Wording", "Gold"),
        Tier.PLATINUM: translate("Wording", "Platinum"),
    }[tier]


def category_name(category: str) -> str:
    names = {
        "home": translate("Wording", "Home"),
        "stationery": translate("Wording", "Stationery"),
        "food": translate("Wording", "Food & drink"),
        "festival": translate("Wording", "Festival"),
        "toys": translate("Wording", "Toys"),
        "vouchers": translate("Wording", "Vouchers"),
        "personal": translate("Wording", "Personal care"),
        "electronics": translate("Wording", "Electronics"),
        "apparel": translate("Wording", "Apparel"),
        "travel": translate("Wording", "Travel"),
        "coupon": translate("Wording", "Coupons"),
        "experience": translate("Wording", "Experiences"),
    }
    return names.get(category, category)


def kind_name(kind: GiftKind) -> str:
    """A gift's kind on its tile ("" for goods, the usual)."""
    return {
        GiftKind.GOODS: "",
        GiftKind.COUPON: translate("Wording", "Coupon"),
        GiftKind.EXPERIENCE: translate("Wording", "Experience"),
    }[kind]


def band_name(band: Band) -> str:
    return {
        Band.LOW: translate("Wording", "Low value"),
        Band.MID: translate("Wording", "Mid value"),
        Band.HIGH: translate("Wording", "High value"),
    }[band]


def tier_only_text(tier: Tier) -> str:
    """A tier-exclusive gift's mark: 铂金专享 / Platinum only (and above)."""
    return translate("Wording", "{tier} only").format(tier=tier_name(tier))


def hot_text() -> str:
    return translate("Wording", "Hot")


def places_text(places: int) -> str:
    return translate("Wording", "Places left {n}").format(n=points_text(places))


def gift_terms_text(gift: Gift, tz: tzinfo | None = None) -> str:
    """A coupon's terms or an experience's session, one short line for its tile."""
    if gift.coupon is not None:
        return translate("Wording", "{title}, valid {days} days").format(
            title=gift.coupon.title_zh, days=gift.coupon.valid_days
        )
    if gift.session is not None:
        when = gift.session.starts.astimezone(tz) if tz else gift.session.starts
        return translate("Wording", "Session {when} · {place}").format(
            when=f"{when:%m-%d %H:%M}", place=gift.session.place
        )
    return ""


def gift_name(gift: Gift) -> str:
    return f"{gift.name_zh} {gift.name_en}"


def verdict_text(verdict: Verdict) -> str:
    """Why a scanned code was not accepted, and what to do."""
    texts = {
        Verdict.ACCEPTED: translate("Wording", "Code accepted."),
        Verdict.NOT_LANTERN: translate(
            "Wording", "Not a Lantern code: ask for the member's Lantern card or app code."
        ),
        Verdict.MALFORMED: translate(
            "Wording", "Damaged or incomplete code: scan again, or type the card number."
        ),
        Verdict.FORGED: translate(
            "Wording", "Forged code: the signature does not match. Do not redeem."
        ),
        Verdict.UNKNOWN_KEY: translate(
            "Wording",
            "Code signed with a key this till does not know: sync with head office. "
            "If it persists, the code is forged.",
        ),
        Verdict.REVOKED: translate("Wording", "Card revoked: ask for the new card."),
        Verdict.CARD_EXPIRED: translate(
            "Wording", "Card expired: ask the member to get a new card at the service desk."
        ),
        Verdict.PHONE_EXPIRED: translate(
            "Wording", "Phone code expired: ask the member to refresh it."
        ),
        Verdict.PHONE_CLOCK_AHEAD: translate(
            "Wording", "Phone code from the future: ask the member to check the phone's clock."
        ),
        Verdict.CERT_EXPIRED: translate(
            "Wording", "The member's app must sign in again (its certificate has expired)."
        ),
        Verdict.REPLAYED: translate(
            "Wording", "Code already used: ask the member to refresh the code."
        ),
    }
    return texts[verdict]


def lookup_error_text(error: Exception) -> str:
    """Why a scanned or typed code found no member."""
    if isinstance(error, CodeRefused):
        return verdict_text(error.result.verdict)
    if isinstance(error, NotFound):
        return translate("Wording", "Unknown member or card number: check it and scan again.")
    # Never the text itself: a rejected input may be a manager's PIN typed in the wrong place.
    return translate(
        "Wording", "Not accepted: that is not a member code or card number. Scan the code again."
    )


def offline_check_text(check: OfflineCheck | None) -> str:
    texts = {
        OfflineCheck.PER_REDEMPTION: translate(
            "Wording", "more points than one offline redemption may take"
        ),
        OfflineCheck.PER_MEMBER_DAY: translate(
            "Wording", "over this member's offline limit for today"
        ),
        OfflineCheck.MEMBERS_SERVED: translate("Wording", "too many members served while offline"),
        OfflineCheck.STORE_EXPOSURE: translate("Wording", "over the store's total offline points"),
        OfflineCheck.TOO_LONG_OFFLINE: translate("Wording", "the store has been offline too long"),
        OfflineCheck.TYPED_NUMBER_OFFLINE: translate(
            "Wording", "a typed card number needs head office online"
        ),
        OfflineCheck.SYNC_REFUSED: translate(
            "Wording",
            "head office refuses this store's sync and redemptions are stopped until it "
            "recovers (manager's sync tab)",
        ),
    }
    return texts[check] if check is not None else "?"


def refusal_text(refusal: Refusal, gifts: dict[str, Gift]) -> str:
    """A refused redemption, worded for the cashier: what is wrong and what to do."""
    gift = gifts.get(refusal.gift_id or "")
    name = gift_name(gift) if gift else (refusal.gift_id or "")
    r = RefusalReason
    match refusal.reason:
        case r.EMPTY_BASKET:
            return translate("Wording", "The basket is empty: add a gift first.")
        case r.INVALID_QUANTITY:
            return translate("Wording", "{gift}: the quantity must be at least 1.").format(
                gift=name
            )
        case r.MEMBER_BLOCKED:
            return translate(
                "Wording", "This member is blocked or closed: ask head office before redeeming."
            )
        case r.GIFT_NOT_ACTIVE:
            return translate("Wording", "{gift} is not available today.").format(gift=name)
        case r.TIER_NOT_ALLOWED:
            tier = tier_name(refusal.required_tier or Tier.REGULAR)
            return translate("Wording", "{gift} is for {tier} members and above.").format(
                gift=name, tier=tier
            )
        case r.OUT_OF_STOCK:
            return translate(
                "Wording", "{gift} is out of stock: {left} left, {wanted} wanted."
            ).format(gift=name, left=refusal.available, wanted=refusal.needed)
        case r.INSUFFICIENT_POINTS:
            return translate(
                "Wording", "Not enough points: {available} available, {needed} needed."
            ).format(available=points_text(refusal.available), needed=points_text(refusal.needed))
        case r.OFFLINE_LIMIT_EXCEEDED:
            return translate(
                "Wording",
                "Head office is offline and this redemption is beyond the offline limits "
                "({check}): a manager override is needed.",
            ).format(check=offline_check_text(refusal.offline_check))
        case r.ABOVE_LIMIT:
            return translate(
                "Wording",
                "{what}: {asked} is more than the programme allows ({limit}); split it or ask "
                "head office.",
            ).format(
                what=name if refusal.gift_id else translate("Wording", "This redemption"),
                asked=f"{refusal.needed:,}",
                limit=f"{refusal.available:,}",
            )
        case r.VERIFICATION_NEEDED:
            rules = rules_text(refusal.rules)
            if refusal.phone_code_would_do:
                return translate(
                    "Wording",
                    "A second verification is needed ({rules}): a manager's PIN, or the "
                    "member's phone code instead of the printed card.",
                ).format(rules=rules)
            return translate(
                "Wording", "A second verification is needed ({rules}): a manager's PIN."
            ).format(rules=rules)
        case r.RISK_REFUSED:
            return translate(
                "Wording",
                "Refused by the risk rule {rules}: this redemption cannot be made now. Ask the "
                "store manager or head office.",
            ).format(rules=rules_text(refusal.rules))
    raise AssertionError(refusal.reason)  # pragma: no cover


def rules_text(rules: tuple[str, ...] | list[str]) -> str:
    """Risk rules as a cashier reads them (the names are desktop/core/risk.py's)."""
    return translate("Wording", "; ").join(rule_text(r) for r in rules)


def rule_text(rule: str) -> str:
    """One risk rule: `velocity:member/60min`, `self_redemption`, `points_over/5000`,
    `cash_fen_over/50000`; a name this till does not know is shown as it is."""
    name, _, arg = rule.partition("/")
    number = arg.removesuffix("min")
    if not number.isdigit():
        number = ""
    if name == "self_redemption":
        return translate("Wording", "a cashier redeeming on their own card")
    if name == "points_over" and number:
        return translate("Wording", "over {points} points").format(points=f"{int(number):,}")
    if name == "cash_fen_over" and number:
        return translate("Wording", "over {cash} cash").format(cash=money_text(int(number)))
    scopes = {
        "velocity:member": translate("Wording", "too many for one member in {minutes} min"),
        "velocity:cashier": translate("Wording", "too many for one cashier in {minutes} min"),
        "velocity:gift": translate("Wording", "too many of one gift in {minutes} min"),
    }
    if name in scopes and number:
        return scopes[name].format(minutes=number)
    return rule


def tile_reason(refusal: Refusal, gift: Gift | None = None) -> str:
    """Why a gift cannot be taken now, short enough for a catalogue tile."""
    r = RefusalReason
    experience = gift is not None and gift.kind is GiftKind.EXPERIENCE
    match refusal.reason:
        case r.MEMBER_BLOCKED:
            return translate("Wording", "Member blocked")
        case r.GIFT_NOT_ACTIVE if experience:
            return translate("Wording", "Session closed")
        case r.OUT_OF_STOCK if experience:
            return translate("Wording", "Fully booked")
        case r.GIFT_NOT_ACTIVE:
            return translate("Wording", "Not available now")
        case r.TIER_NOT_ALLOWED:
            tier = tier_name(refusal.required_tier or Tier.REGULAR)
            return translate("Wording", "{tier} members and above").format(tier=tier)
        case r.OUT_OF_STOCK:
            return translate("Wording", "Out of stock")
        case r.INSUFFICIENT_POINTS:
            return translate("Wording", "Not enough points (needs {needed})").format(
                needed=points_text(refusal.needed)
            )
        case r.RISK_REFUSED:
            return translate("Wording", "Refused by a risk rule")
        case _:
            return translate("Wording", "Not available")


def storage_text(problem: StorageProblem) -> str:
    """The disk refused the store database: what is wrong and what to do."""
    texts = {
        StorageProblem.READ_ONLY: translate(
            "Wording",
            "Nothing was recorded: the store database is on a read-only disk. Make the disk "
            "writable again, then try again. The database is not damaged: do not restore a "
            "backup.",
        ),
        StorageProblem.DISK_FULL: translate(
            "Wording",
            "Nothing was recorded: the disk is full. Free some space on this computer's disk, "
            "then try again. The database is not damaged: do not restore a backup.",
        ),
        StorageProblem.PERMISSION_DENIED: translate(
            "Wording",
            "Nothing was recorded: Lantern is not allowed to write the store database "
            "(permission denied). Ask whoever set up this till to give it write access, then "
            "try again. Do not restore a backup.",
        ),
    }
    return texts[problem]


def problem_text(error: Exception) -> str | None:
    """A failure the cashier cannot fix by trying again at once, worded; None for others."""
    if isinstance(error, StorageUnavailable):
        return storage_text(error.problem)
    if isinstance(error, PinKeyMissing):
        return translate(
            "Wording",
            "No PIN can be checked: this till's PIN key is missing (the store database was "
            "moved or copied without its .vault file). Nothing was changed; call support.",
        )
    return None

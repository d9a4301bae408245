"""A parametric 3D running model whose gait metrics are exact by construction.

World frame (metres): X forward (running direction), Y to the runner's LEFT, Z up; the ground
(treadmill belt) is Z = 0. On a treadmill the pelvis centre stays at X = 0 and the belt carries
the stance foot backward at the running speed; overground the pelvis moves forward at that speed
and the stance foot stays put. Either way the stance foot moves backward at the speed relative to
the pelvis, so the leg geometry (built relative to the pelvis) is the same.

How each truth is made exact:
- Initial contacts of the left foot happen at t = phase + k * stride, right ones half a stride
  later. In the 100 ms before contact (the approach) the knee flexion and the foot angle are
  frozen at their contact values while the thigh swings back at 160 deg/s (swing retraction)
  and the hip height follows so that the foot's lowest point descends in a straight line at
  0.75 m/s: every angle at contact is constant or linear in time just before it, and the
  contact is a sharp kink. From contact the lowest point stays on the ground (pivoting about
  heel, then flat, then about the toe) until toe-off, when the toe leaves the ground rising in
  a straight line for 100 ms.
- At initial contact the heel is overstride * leg ahead of the pelvis centre, the foot angle is
  the foot-strike angle and the hip-ankle distance is the one giving the knee flexion; the pelvis
  height at contact follows from them, and the pelvis height curve (monotone cubic pieces,
  lowest at midstance; the approach formula around the flight apex) passes through it with
  mid-flight minus midstance height equal to the vertical oscillation.
- The knee is placed by two-link inverse kinematics in the sagittal plane (knee forward), so
  side-view angles are those of the sagittal projection. Frontal-plane features (pelvic roll,
  lateral trunk lean, knee medial shift) move points along Y only where that keeps the sagittal
  projection unchanged, and follow sin^2 profiles over stance peaking at midstance
  (IC + contact/2) with the set value.
- The plantarflexion at toe-off is solved so that the knee flexion at toe-off is the one set.
- Values that follow from the others (shank angle at contact, hip extension, vertical
  oscillation, trunk sway, the overstride of a raised heel landmark) are computed from the
  model with the metric's own definition (`RunnerModel.truth`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gaitcam.landmarks import INDEX, N_LANDMARKS
from gaitcam.synthetic.params import BodyDims, RunnerParams, SideParams, body_dims

SIDES = ("left", "right")
_LINEAR_S = 0.1  # duration of the straight approach before IC and departure after TO
_TOUCHDOWN_VZ = 0.75  # descent speed of the foot's lowest point in the approach, m/s
_APPROACH_THIGH_DPS = 160.0  # thigh swing-back (retraction) rate during the approach, deg/s
_DEPART_VZ = 0.6  # toe vertical velocity after toe-off, m/s
_DEPART_STOP_S = 0.04  # time for the toe to stop moving backward relative to the hip
_HEEL_OFF = 0.5  # heel-off at this fraction of stance
_FOOT_FLAT = 0.15  # foot flat at this fraction of stance


def _rot(phi: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate 2-D vectors v (..., 2) (forward, up) by phi (radians, + = toes up / CCW)."""
    c, s = np.cos(phi), np.sin(phi)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], -1)


def _smoothstep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


def _hermite(s: np.ndarray, p0, p1, m0, m1, h: float) -> np.ndarray:
    """Cubic Hermite at s in [0, 1] over an interval of length h (values may be vectors)."""
    s = s[..., None] if np.ndim(p0) else s
    s2, s3 = s * s, s * s * s
    return ((2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * h * m0
            + (-2 * s3 + 3 * s2) * p1 + (s3 - s2) * h * m1)


def knee_ik(hip: np.ndarray, ankle: np.ndarray, thigh: float, shank: float) -> np.ndarray:
    """Sagittal knee position (..., 2) with the knee in front of the hip-ankle line.

    Points are (forward, up). Out-of-reach ankles give a straight leg pointing at the ankle.
    """
    v = ankle - hip
    d = np.linalg.norm(v, axis=-1)
    d_c = np.clip(d, abs(thigh - shank) + 1e-9, thigh + shank - 1e-12)
    u = v / np.maximum(d, 1e-12)[..., None]
    cos_g = (thigh ** 2 + d_c ** 2 - shank ** 2) / (2 * thigh * d_c)
    g = np.arccos(np.clip(cos_g, -1.0, 1.0))
    return hip + thigh * _rot(g, u)


def hip_ankle_distance(knee_flexion_deg: float, thigh: float, shank: float) -> float:
    """Hip-ankle distance for a knee flexion (180 - interior angle) in degrees."""
    k = np.radians(knee_flexion_deg)
    return float(np.sqrt(thigh ** 2 + shank ** 2 + 2 * thigh * shank * np.cos(k)))


@dataclass(frozen=True)
class _Side:
    """Per-leg constants of the model (sagittal coordinates relative to the pelvis centre)."""

    name: str
    sp: SideParams
    t_ic0: float
    contact: float
    swing: float
    alpha: float
    heel_ic: np.ndarray
    heel_g: float
    toe_g: float
    z_hip_ic: float
    thigh_ic: float = 0.0
    beta: float = 0.0
    k1: tuple = field(default=())


class RunnerModel:
    """The runner as a function of time; see the module docstring. `phase_s` = first left IC."""

    def __init__(self, params: RunnerParams, phase_s: float = 0.0) -> None:
        self.params = params
        self.body: BodyDims = body_dims(params.height_m)
        self.stride = params.stride_s
        self.speed = params.speed_mps
        self.phase = float(phase_s)
        b = self.body
        # Heel (sole), toe, ankle, and the heel LANDMARK: MediaPipe's heel point sits on the
        # back of the shoe, params.heel_marker_cm above the sole.
        foot = np.array([[0.0, 0.0], [b.foot, 0.0], [b.ankle_x, b.ankle_z],
                         [0.0, params.heel_marker_cm / 100.0]])
        self._foot = foot
        sides = {}
        for k, name in enumerate(SIDES):
            sp = params.side(name)
            contact = sp.contact_time_ms / 1000.0
            if not 0.08 <= contact <= self.stride / 2 - 0.02:
                raise ValueError(
                    f"{name} contact_time_ms={sp.contact_time_ms:g} must leave a flight phase "
                    f"(at most {1000 * (self.stride / 2 - 0.02):.0f} ms at this cadence)"
                )
            alpha = np.radians(sp.foot_strike_angle_deg)
            x_heel = sp.overstride_pct_leg / 100.0 * b.leg
            heel_ic = np.array([x_heel, max(0.0, -b.foot * np.sin(alpha))])
            toe_ic = heel_ic + _rot(alpha, foot[1])
            ankle_ic = heel_ic + _rot(alpha, foot[2])
            if alpha >= 0:
                heel_g, toe_g = x_heel, x_heel + b.foot
            else:
                toe_g = float(toe_ic[0])
                heel_g = toe_g - b.foot
            d_ic = hip_ankle_distance(sp.knee_flexion_ic_deg, b.thigh, b.shank)
            if d_ic <= abs(ankle_ic[0]):
                raise ValueError(f"{name}: overstride too large for the knee flexion at contact")
            z_hip_ic = float(ankle_ic[1] + np.sqrt(d_ic ** 2 - ankle_ic[0] ** 2))
            knee_ic = knee_ik(np.array([0.0, z_hip_ic]), ankle_ic, b.thigh, b.shank)
            thigh_ic = float(np.arctan2(knee_ic[0], z_hip_ic - knee_ic[1]))
            sides[name] = _Side(
                name=name, sp=sp, t_ic0=self.phase + k * self.stride / 2, contact=contact,
                swing=self.stride - contact, alpha=float(alpha), heel_ic=heel_ic,
                heel_g=float(heel_g), toe_g=float(toe_g), z_hip_ic=z_hip_ic, thigh_ic=thigh_ic,
            )
        self.sides = sides
        self._build_pelvis()
        for name in SIDES:
            self.sides[name] = self._solve_toe_off(self.sides[name])
        self._validate()

    # --- pelvis ---------------------------------------------------------------------------

    def _build_pelvis(self) -> None:
        """Knots of the periodic pelvis height over one stride starting at a left IC.

        Per step (IC of one foot to IC of the other): contact height, lowest point at
        midstance, apex, then the approach to the next contact, where the hip height follows
        from the approaching leg (see approach_hip_z) so that the foot descends in a straight
        line.
        """
        vo = self.params.vertical_oscillation_cm / 100.0
        T = self.stride
        knots_t, knots_z, knots_m = [], [], []
        for k, name in enumerate(SIDES):
            s = self.sides[name]
            other = self.sides[SIDES[1 - k]]
            t_a = k * T / 2
            t_m = t_a + s.contact / 2
            d_o = self._approach_s(other)
            t_l = t_a + T / 2 - d_o
            if t_l <= t_m + 0.02:
                raise ValueError("contact time too long for this cadence (no room for flight)")
            grid = np.linspace(-d_o, 0.0, 201)
            z_app = self.approach_hip_z(other, grid)
            z_l = float(z_app[0])
            m_l = float((self.approach_hip_z(other, np.array([-d_o + 1e-5]))[0] - z_l) / 1e-5)
            z0, z1 = self.approach_hip_z(s, np.array([-1e-5, 0.0]))
            m_a = float((z1 - z0) / 1e-5)
            if m_l > 0:  # the flight apex lies in the approach (the usual case)
                z_max = float(z_app.max())
                knots = [(t_a, s.z_hip_ic, m_a), (t_m, None, 0.0), (t_l, z_l, m_l)]
            else:  # apex before the approach: add it as a knot
                delta = 0.4 * (t_l - t_m)
                z_max = z_l - m_l * delta / 2
                knots = [(t_a, s.z_hip_ic, m_a), (t_m, None, 0.0), (t_l - delta, z_max, 0.0),
                         (t_l, z_l, m_l)]
            z_min = z_max - vo
            if not z_min < min(s.z_hip_ic, other.z_hip_ic) - 0.1 * vo:
                raise ValueError(
                    "vertical_oscillation_cm is too small for these contact heights (raise it "
                    "or reduce the left/right asymmetry)"
                )
            for kt_, kz_, km_ in knots:
                knots_t.append(kt_)
                knots_z.append(z_min if kz_ is None else float(kz_))
                knots_m.append(km_)
        self._pk_t = np.array(knots_t + [T])
        self._pk_z = np.array(knots_z + [knots_z[0]])
        self._pk_m = np.array(knots_m + [knots_m[0]])

    def _approach_s(self, s: _Side) -> float:
        """Duration of the approach before IC (and of the straight departure after TO)."""
        return min(_LINEAR_S, 0.25 * s.swing)

    def _approach_thigh(self, s: _Side, dt: np.ndarray) -> np.ndarray:
        """Thigh angle (rad, forward of vertical) at dt = t - IC <= 0 in the approach."""
        return s.thigh_ic - np.radians(_APPROACH_THIGH_DPS) * np.asarray(dt, float)

    def approach_hip_z(self, s: _Side, dt: np.ndarray) -> np.ndarray:
        """Hip height of leg s during its approach (dt = t - IC in [-approach, 0]).

        With the knee and foot angle frozen and the thigh swinging back, the hip height is
        whatever makes the foot's lowest point descend in a straight line at _TOUCHDOWN_VZ:
        hip = lowest point + vertical extent of the leg.
        """
        b = self.body
        th = self._approach_thigh(s, dt)
        kf = np.radians(s.sp.knee_flexion_ic_deg)
        ext = b.thigh * np.cos(th) + b.shank * np.cos(th - kf)
        ext_ic = b.thigh * np.cos(s.thigh_ic) + b.shank * np.cos(s.thigh_ic - kf)
        return s.z_hip_ic + (ext - ext_ic) - _TOUCHDOWN_VZ * np.asarray(dt, float)

    def _in_approach(self, t: np.ndarray, s: _Side) -> np.ndarray:
        """dt = t - next IC of s where t lies in s's approach window, else NaN."""
        tau = np.mod(np.asarray(t, float) - s.t_ic0, self.stride)
        dt = tau - self.stride
        return np.where(dt >= -self._approach_s(s), dt, np.nan)

    def pelvis_z(self, t: np.ndarray) -> np.ndarray:
        """Pelvis centre height (m) at times t."""
        t = np.asarray(t, float)
        z = self._pelvis_knots(t)
        for name in SIDES:
            s = self.sides[name]
            dt = self._in_approach(t, s)
            m = np.isfinite(dt)
            if m.any():
                sign = 1.0 if name == "left" else -1.0
                roll = self.pelvis_roll(t[m])
                z[m] = self.approach_hip_z(s, dt[m]) - sign * self.body.hip_width / 2 * np.sin(roll)
        return z

    def _pelvis_knots(self, t: np.ndarray) -> np.ndarray:
        tau = np.mod(np.asarray(t, float) - self.phase, self.stride)
        kt, kz, km = self._pk_t, self._pk_z, self._pk_m
        i = np.clip(np.searchsorted(kt, tau, side="right") - 1, 0, len(kt) - 2)
        h = kt[i + 1] - kt[i]
        s = (tau - kt[i]) / h
        s2, s3 = s * s, s * s * s
        return ((2 * s3 - 3 * s2 + 1) * kz[i] + (s3 - 2 * s2 + s) * h * km[i]
                + (-2 * s3 + 3 * s2) * kz[i + 1] + (s3 - s2) * h * km[i + 1])

    def pelvis_x(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, float)
        if self.params.setting == "overground":
            return self.speed * t
        return np.zeros_like(t)

    def stance_bump(self, t: np.ndarray, side: str) -> np.ndarray:
        """sin^2 profile over `side`'s stance (1 at midstance), 0 in swing."""
        s = self.sides[side]
        tau = np.mod(np.asarray(t, float) - s.t_ic0, self.stride)
        u = tau / s.contact
        return np.where(u < 1.0, np.sin(np.pi * np.clip(u, 0, 1)) ** 2, 0.0)

    def pelvis_roll(self, t: np.ndarray) -> np.ndarray:
        """Pelvis roll (rad), + = left hip higher (right hip dropped during left stance)."""
        dl = np.radians(self.sides["left"].sp.pelvic_drop_deg)
        dr = np.radians(self.sides["right"].sp.pelvic_drop_deg)
        return dl * self.stance_bump(t, "left") - dr * self.stance_bump(t, "right")

    def trunk_lateral(self, t: np.ndarray) -> np.ndarray:
        """Frontal-plane trunk angle (rad), + = toward the runner's left."""
        ll = np.radians(self.sides["left"].sp.lateral_trunk_lean_deg)
        lr = np.radians(self.sides["right"].sp.lateral_trunk_lean_deg)
        return ll * self.stance_bump(t, "left") - lr * self.stance_bump(t, "right")

    def hip_z(self, t: np.ndarray, side: str) -> np.ndarray:
        sign = 1.0 if side == "left" else -1.0
        return self.pelvis_z(t) + sign * self.body.hip_width / 2 * np.sin(self.pelvis_roll(t))

    # --- feet -----------------------------------------------------------------------------

    def _foot_from(self, ref_pos: np.ndarray, ref_idx: int, phi: np.ndarray) -> np.ndarray:
        """Heel, toe, ankle (N, 3, 2) of the foot whose point ref_idx is at ref_pos (N, 2)."""
        rel = self._foot[None, :, :] - self._foot[ref_idx][None, None, :]
        return ref_pos[:, None, :] + _rot(np.asarray(phi)[:, None], rel)

    def _stance_foot(self, s: _Side, tau: np.ndarray, beta: float | None = None) -> np.ndarray:
        """Foot points (N, 3, 2) during stance, tau in [0, contact]."""
        beta = s.beta if beta is None else beta
        tau = np.atleast_1d(np.asarray(tau, float))
        shift = -self.speed * tau
        t1, t2 = _FOOT_FLAT * s.contact, _HEEL_OFF * s.contact
        out = np.empty((len(tau), 4, 2))
        p1 = tau < t1
        if p1.any():
            phi = s.alpha * (1.0 - _smoothstep(tau[p1] / t1))
            if s.alpha >= 0:
                ref = np.stack([s.heel_g + shift[p1], np.zeros(p1.sum())], -1)
                out[p1] = self._foot_from(ref, 0, phi)
            else:
                ref = np.stack([s.toe_g + shift[p1], np.zeros(p1.sum())], -1)
                out[p1] = self._foot_from(ref, 1, phi)
        p2 = (tau >= t1) & (tau < t2)
        if p2.any():
            ref = np.stack([s.heel_g + shift[p2], np.zeros(p2.sum())], -1)
            out[p2] = self._foot_from(ref, 0, np.zeros(p2.sum()))
        p3 = tau >= t2
        if p3.any():
            u = (tau[p3] - t2) / (s.contact - t2)
            ref = np.stack([s.toe_g + shift[p3], np.zeros(p3.sum())], -1)
            out[p3] = self._foot_from(ref, 1, -beta * (1.0 - (1.0 - u) ** 2))
        return out

    def _depart(self, s: _Side, ts: np.ndarray) -> np.ndarray:
        """Toe position (N, 2) after toe-off: rising at _DEPART_VZ, its backward motion
        (relative to the pelvis) stopping over _DEPART_STOP_S."""
        toe_to = np.array([s.toe_g - self.speed * s.contact, 0.0])
        v, stop = self.speed, _DEPART_STOP_S
        tc = np.minimum(ts, stop)
        x = -v * tc + v * tc ** 2 / (2 * stop)
        return toe_to[None, :] + np.stack([x, _DEPART_VZ * ts], -1)

    def _approach(self, s: _Side, dt: np.ndarray, t_abs: np.ndarray) -> np.ndarray:
        """Foot points (N, 3, 2) in the approach, dt = t - IC in [-_approach_s, 0].

        The knee flexion and the foot angle stay at their contact values while the thigh swings
        back at _APPROACH_THIGH_DPS (swing retraction) and the hip descends with the pelvis:
        knee flexion and foot angle are constant and the shank angle linear in time just
        before contact.
        """
        b = self.body
        hip = np.stack([np.zeros(len(dt)), self.hip_z(t_abs, s.name)], -1)
        th = self._approach_thigh(s, dt)
        sh = th - np.radians(s.sp.knee_flexion_ic_deg)
        knee = hip + b.thigh * np.stack([np.sin(th), -np.cos(th)], -1)
        ankle = knee + b.shank * np.stack([np.sin(sh), -np.cos(sh)], -1)
        return self._foot_from(ankle, 2, np.full(len(dt), s.alpha))

    def _swing_foot(self, s: _Side, ts: np.ndarray, t_abs: np.ndarray) -> np.ndarray:
        """Foot points (N, 3, 2) during swing, ts in [0, swing] (t_abs: absolute times).

        Departure (first _approach_s): the toe rises in a straight line at constant foot angle.
        Approach (last _approach_s): see _approach.
        In between: cubic Hermite ankle path through a heel-kick keyframe.
        """
        ts = np.atleast_1d(np.asarray(ts, float))
        d = self._approach_s(s)
        out = np.empty((len(ts), 4, 2))
        a = ts < d
        if a.any():
            out[a] = self._foot_from(self._depart(s, ts[a]), 1, np.full(a.sum(), -s.beta))
        c = ts > s.swing - d
        if c.any():
            out[c] = self._approach(s, ts[c] - s.swing, t_abs[c])
        m = ~a & ~c
        if m.any():
            start = self._foot_from(self._depart(s, np.array([d])), 1, np.array([-s.beta]))[0, 2]
            v0 = np.array([0.0, _DEPART_VZ])
            t2_abs = t_abs[m][0] - ts[m][0] + s.swing - d
            e0, e1 = self._approach(s, np.array([-d, -d + 1e-4]), np.array([t2_abs, t2_abs + 1e-4]))
            end, v2 = e0[2], (e1[2] - e0[2]) / 1e-4
            tk, pk, phik = s.k1
            t0, t2 = d, s.swing - d
            vk = np.array([(end[0] - start[0]) / (t2 - t0), 0.0])
            x = ts[m]
            first = x < tk
            ankle = np.empty((m.sum(), 2))
            phi = np.empty(m.sum())
            if first.any():
                h = tk - t0
                u = (x[first] - t0) / h
                ankle[first] = _hermite(u, start, pk, v0, vk, h)
                phi[first] = _hermite(u, -s.beta, phik, 0.0, 0.0, h)
            if (~first).any():
                h = t2 - tk
                u = (x[~first] - tk) / h
                ankle[~first] = _hermite(u, pk, end, vk, v2, h)
                phi[~first] = _hermite(u, phik, s.alpha, 0.0, 0.0, h)
            out[m] = self._foot_from(ankle, 2, phi)
        return out

    def foot_sagittal(self, t: np.ndarray, side: str) -> np.ndarray:
        """Heel (sole), toe, ankle, heel landmark (T, 4, 2) as (forward of the pelvis centre,
        height) in metres."""
        s = self.sides[side]
        t = np.asarray(t, float)
        tau = np.mod(t - s.t_ic0, self.stride)
        out = np.empty((len(t), 4, 2))
        st = tau < s.contact
        if st.any():
            out[st] = self._stance_foot(s, tau[st])
        if (~st).any():
            out[~st] = self._swing_foot(s, tau[~st] - s.contact, t[~st])
        return out

    def _solve_toe_off(self, s: _Side) -> _Side:
        """Plantarflexion at toe-off; heel-kick keyframe.

        The plantarflexion is solved so that the leg is most extended, at the knee flexion set
        for toe-off, over toe-off and the departure that follows it (the toe keeps moving back
        for _DEPART_STOP_S).
        """
        b = self.body
        t_to = s.t_ic0 + s.contact
        ts = np.linspace(0.0, _DEPART_STOP_S, 9)
        hips = np.stack([np.zeros(len(ts)), self.hip_z(t_to + ts, s.name)], -1)
        target = hip_ankle_distance(s.sp.knee_flexion_to_deg, b.thigh, b.shank)

        def dist(beta: float) -> float:
            toe = self._depart(s, ts)
            ankle = self._foot_from(toe, 1, np.full(len(ts), -beta))[:, 2]
            return float(np.linalg.norm(ankle - hips, axis=-1).max())

        lo, hi = 0.0, np.radians(80.0)
        if dist(lo) <= target:
            beta = lo
        elif dist(hi) >= target:
            beta = hi
        else:
            for _ in range(60):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if dist(mid) > target else (lo, mid)
            beta = (lo + hi) / 2
        d = self._approach_s(s)
        tk = d + 0.35 * (s.swing - 2 * d)
        k1 = (tk, np.array([-0.28 * b.leg, 0.40 * b.leg]), np.radians(-45.0))
        return _Side(**{**s.__dict__, "beta": float(beta), "k1": k1})

    def _validate(self) -> None:
        b = self.body
        reach = b.thigh + b.shank
        for name in SIDES:
            s = self.sides[name]
            t = s.t_ic0 + np.linspace(-0.2 * self.stride, self.stride, 800)
            tau = np.mod(t - s.t_ic0, self.stride)
            d = self._approach_s(s)
            strict = (tau < s.contact + d) | (tau > self.stride - d)
            feet = self.foot_sagittal(t, name)
            hip = np.stack([np.zeros_like(t), self.hip_z(t, name)], -1)
            d = np.linalg.norm(feet[:, 2] - hip, axis=-1)
            if np.any(d[strict] > reach * 0.9995):
                raise ValueError(
                    f"{name} leg cannot reach its foot around contact with these parameters "
                    f"(max {d[strict].max():.3f} m vs leg {reach:.3f} m): lower speed_mps, "
                    "contact_time_ms or overstride_pct_leg"
                )
            low = feet[:, :2, 1].min(axis=1)
            swing = (tau > s.contact + 1e-6) & (tau < self.stride - 1e-6)
            if np.any(low[swing] < -1e-6):
                raise ValueError(f"{name} swing foot goes below the ground with these parameters")

    # --- whole body -----------------------------------------------------------------------

    def knee_y_shift(
        self, hip: np.ndarray, knee_z: np.ndarray, ankle: np.ndarray, fppa: np.ndarray,
        medial: float,
    ) -> np.ndarray:
        """Knee Y (T,) giving the frontal plane projection angle fppa (rad, + = medial).

        hip and ankle are (T, 2) frontal (Y, Z) points; `medial` is the sign of the medial
        direction along Y for this leg (-1 for the left leg, +1 for the right).
        """
        f = (hip[:, 1] - knee_z) / np.maximum(hip[:, 1] - ankle[:, 1], 1e-9)
        y_line = hip[:, 0] + (ankle[:, 0] - hip[:, 0]) * f

        def angle(shift: np.ndarray) -> np.ndarray:
            k = np.stack([y_line + medial * shift, knee_z], -1)
            u, w = k - hip, ankle - k
            cross = u[:, 0] * w[:, 1] - u[:, 1] * w[:, 0]
            ang = np.arctan2(np.abs(cross), (u * w).sum(-1))
            side = medial * (k[:, 0] - y_line)
            return np.sign(side) * ang

        target = np.abs(fppa)
        lo, hi = np.zeros_like(target), np.full_like(target, 0.4)
        for _ in range(40):
            mid = (lo + hi) / 2
            big = angle(mid) > target
            hi = np.where(big, mid, hi)
            lo = np.where(big, lo, mid)
        return y_line + medial * np.sign(fppa) * (lo + hi) / 2

    def joints(self, t: np.ndarray) -> np.ndarray:
        """World positions (T, 33, 3) of the 33 MediaPipe landmarks at times t (s)."""
        p, b = self.params, self.body
        t = np.asarray(t, float)
        n = len(t)
        out = np.zeros((n, N_LANDMARKS, 3))
        px, pz = self.pelvis_x(t), self.pelvis_z(t)
        sway = p.pelvis_sway_cm / 100.0
        py = sway * (self.stance_bump(t, "left") - self.stance_bump(t, "right"))
        roll = self.pelvis_roll(t)
        pel = np.stack([px, py, pz], -1)
        half = b.hip_width / 2
        hip_off = np.stack([np.zeros(n), half * np.cos(roll), half * np.sin(roll)], -1)
        hips = {"left": pel + hip_off, "right": pel - hip_off}
        step = p.step_width_cm / 100.0
        for name in SIDES:
            s = self.sides[name]
            sign = 1.0 if name == "left" else -1.0
            hip3 = hips[name]
            feet = self.foot_sagittal(t, name)
            hip2 = np.stack([np.zeros(n), hip3[:, 2]], -1)
            knee2 = knee_ik(hip2, feet[:, 2], b.thigh, b.shank)
            foot_y = sign * step / 2
            fppa = np.radians(s.sp.knee_valgus_deg) * self.stance_bump(t, name)
            ky = self.knee_y_shift(
                hip3[:, 1:], knee2[:, 1], np.stack([np.full(n, foot_y), feet[:, 2, 1]], -1),
                fppa, medial=-sign,
            )
            out[:, INDEX[f"{name}_hip"]] = hip3
            out[:, INDEX[f"{name}_knee"]] = np.stack([px + knee2[:, 0], ky, knee2[:, 1]], -1)
            for j, part in ((3, "heel"), (1, "foot_index"), (2, "ankle")):
                out[:, INDEX[f"{name}_{part}"]] = np.stack(
                    [px + feet[:, j, 0], np.full(n, foot_y), feet[:, j, 1]], -1
                )
        self._upper_body(t, pel, out)
        return out

    def _upper_body(self, t: np.ndarray, pel: np.ndarray, out: np.ndarray) -> None:
        p, b = self.params, self.body
        n = len(t)
        lean = np.radians(p.trunk_lean_deg)
        lat = self.trunk_lateral(t)
        d = np.stack([np.full(n, np.tan(lean)), np.tan(lat), np.ones(n)], -1)
        d /= np.linalg.norm(d, axis=-1, keepdims=True)
        ms = pel + b.trunk * d
        # Arm/shoulder phase: the left arm is forward when the right foot lands.
        ph = 2 * np.pi * (t - self.sides["right"].t_ic0) / self.stride
        psi = np.radians(8.0) * np.cos(ph)
        half = b.shoulder_width / 2
        sh_off = half * np.stack([np.sin(psi), np.cos(psi) * np.cos(lat),
                                  -np.cos(psi) * np.sin(lat)], -1)
        shoulders = {"left": ms + sh_off, "right": ms - sh_off}
        swing = np.radians(p.arm_swing_deg)
        for name in SIDES:
            sign = 1.0 if name == "left" else -1.0
            sh = shoulders[name]
            th = np.radians(-8.0) + sign * swing * np.cos(ph)
            flex = np.radians(85.0) + sign * np.radians(12.0) * np.cos(ph)
            ua = np.stack([np.sin(th), np.full(n, sign * 0.12), -np.cos(th)], -1)
            ua /= np.linalg.norm(ua, axis=-1, keepdims=True)
            elbow = sh + b.upper_arm * ua
            fa = np.stack([np.sin(th + flex), np.full(n, -sign * 0.15), -np.cos(th + flex)], -1)
            fa /= np.linalg.norm(fa, axis=-1, keepdims=True)
            wrist = elbow + b.forearm * fa
            hand = 0.45 * b.hand
            lateral = np.array([0.0, sign, 0.0])
            out[:, INDEX[f"{name}_shoulder"]] = sh
            out[:, INDEX[f"{name}_elbow"]] = elbow
            out[:, INDEX[f"{name}_wrist"]] = wrist
            out[:, INDEX[f"{name}_index"]] = wrist + hand * fa - 0.01 * lateral
            out[:, INDEX[f"{name}_pinky"]] = wrist + 0.85 * hand * fa + 0.02 * lateral
            out[:, INDEX[f"{name}_thumb"]] = wrist + 0.5 * hand * fa - 0.025 * lateral + \
                np.array([0.0, 0.0, 0.02])
        head = ms + np.array([0.02, 0.0, b.neck + b.head_radius]) * np.ones((n, 1))
        r = b.head_radius
        face = {
            "nose": (0.95, 0.0, -0.15),
            "left_eye_inner": (0.82, 0.15, 0.15), "right_eye_inner": (0.82, -0.15, 0.15),
            "left_eye": (0.78, 0.30, 0.17), "right_eye": (0.78, -0.30, 0.17),
            "left_eye_outer": (0.72, 0.45, 0.15), "right_eye_outer": (0.72, -0.45, 0.15),
            "left_ear": (0.0, 0.88, 0.0), "right_ear": (0.0, -0.88, 0.0),
            "mouth_left": (0.8, 0.25, -0.45), "mouth_right": (0.8, -0.25, -0.45),
        }
        for name, off in face.items():
            out[:, INDEX[name]] = head + r * np.array(off)

    # --- ground truth ---------------------------------------------------------------------

    def events(self, t0: float, t1: float) -> dict[str, dict[str, list[float]]]:
        """True initial contacts and toe-offs (s) within [t0, t1] per side."""
        out = {}
        for name in SIDES:
            s = self.sides[name]
            k0 = int(np.floor((t0 - s.t_ic0) / self.stride)) - 1
            k1 = int(np.ceil((t1 - s.t_ic0) / self.stride)) + 1
            ic = s.t_ic0 + self.stride * np.arange(k0, k1 + 1)
            to = ic + s.contact
            out[name] = {
                "initial_contact_s": [float(x) for x in ic if t0 <= x <= t1],
                "toe_off_s": [float(x) for x in to if t0 <= x <= t1],
            }
        return out

    def _thigh_angle(self, t: np.ndarray, side: str) -> np.ndarray:
        """Thigh (hip->knee) angle behind vertical (deg), sagittal."""
        feet = self.foot_sagittal(t, side)
        hip = np.stack([np.zeros(len(t)), self.hip_z(t, side)], -1)
        knee = knee_ik(hip, feet[:, 2], self.body.thigh, self.body.shank)
        v = knee - hip
        return np.degrees(np.arctan2(-v[:, 0], -v[:, 1]))

    def truth(self) -> dict[str, dict]:
        """Every report metric the parameters imply: {key: {"value", "left", "right"}}.

        Bilateral values are per side; "value" is the mean of the two sides (the report's
        summary is the mean of the left and right medians). Definitions are those of
        gaitcam.gait.metrics, evaluated on the noise-free model with dense sampling.
        """
        p, b = self.params, self.body
        L = b.leg
        out: dict[str, dict] = {}

        def put(key: str, left: float | None, right: float | None, value: float | None = None):
            if value is None:
                value = (left + right) / 2
            out[key] = {"value": float(value),
                        "left": None if left is None else float(left),
                        "right": None if right is None else float(right)}

        side_vals: dict[str, dict[str, float]] = {}
        for name in SIDES:
            s = self.sides[name]
            t_ic = np.array([s.t_ic0])
            feet = self.foot_sagittal(t_ic, name)[0]
            hip = np.array([0.0, s.z_hip_ic])
            knee = knee_ik(hip[None], feet[None, 2], b.thigh, b.shank)[0]
            shank = feet[2] - knee
            # Hip extension: peak thigh-behind-vertical from midstance to TO + 0.1 stride.
            tt = np.linspace(s.t_ic0 + s.contact / 2, s.t_ic0 + s.contact + 0.1 * self.stride,
                             4001)
            hip_ext = float(self._thigh_angle(tt, name).max())
            side_vals[name] = {
                # The heel LANDMARK's position (it equals the sole's without a marker offset).
                "overstride_pct_leg": 100.0 * float(feet[3][0]) / L,
                "foot_strike_angle_deg": s.sp.foot_strike_angle_deg,
                "knee_flexion_ic_deg": s.sp.knee_flexion_ic_deg,
                "shank_angle_ic_deg": float(np.degrees(np.arctan2(shank[0], -shank[1]))),
                "hip_extension_deg": hip_ext,
                "contact_time_ms": s.sp.contact_time_ms,
                "duty_factor_pct": 100.0 * s.contact / self.stride,
                "pelvic_drop_deg": s.sp.pelvic_drop_deg,
                "lateral_trunk_lean_deg": s.sp.lateral_trunk_lean_deg,
                "knee_valgus_deg": s.sp.knee_valgus_deg,
            }
        for key in side_vals["left"]:
            put(key, side_vals["left"][key], side_vals["right"][key])
        put("cadence_spm", None, None, p.cadence_spm)
        put("trunk_lean_deg", None, None, p.trunk_lean_deg)
        # Per step: pelvis height mid-flight minus at midstance, averaged over the two steps.
        steps = []
        for k, name in enumerate(SIDES):
            s = self.sides[name]
            other = self.sides[SIDES[1 - k]]
            t_ms = s.t_ic0 + s.contact / 2
            next_ic = other.t_ic0 + (self.stride if k else 0.0)  # the other foot's next IC
            t_fl = (s.t_ic0 + s.contact + next_ic) / 2
            z = self.pelvis_z(np.array([t_ms, t_fl]))
            steps.append(z[1] - z[0])
        vo = float(np.mean(steps))
        put("vertical_oscillation_pct_leg", None, None, 100.0 * vo / L)
        put("vertical_oscillation_cm", None, None, 100.0 * vo)
        tt = self.phase + np.linspace(0.0, self.stride, 8001)
        lat = np.degrees(self.trunk_lateral(tt))
        put("trunk_sway_range_deg", None, None, float(lat.max() - lat.min()))
        put("step_width_pct_leg", None, None, p.step_width_cm / L)
        return out

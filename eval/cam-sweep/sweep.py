# Design sweep for the CAM digits network in PyTorch on a GPU: the demo's data (seed 1: 8,000 train,
# 1,000 test images), the demo's input scaling, He-normal init, Adam, and GT-known Loc@0.5 by the CAM
# rule (bilinear upsample, min-max, > 0.2·max, largest 8-connected component, wsolevaluation IoU).
# Usage: unpack the demo's data/train and data/test under /tmp/digits, then  python3 sweep.py N
# (N = 1..4, the sweeps of eval/CAM-DIGITS-EXPERIMENTS.md); results are appended to $OUT/results.jsonl.
import os, sys, json, time, math, numpy as np
import multiprocessing as mp

ROOT = '/tmp/digits'
OUT = os.environ.get('OUT', '/tmp/out')


def load_split(split, root=ROOT):
    import cv2
    coco = json.load(open(f'{root}/{split}/instances.json'))
    cidx = {c['id']: i for i, c in enumerate(coco['categories'])}
    ann = {}
    for a in coco['annotations']:
        ann.setdefault(a['image_id'], []).append(a)
    X, Y, B = [], [], []
    for im in coco['images']:
        p = f"{root}/{split}/images/{os.path.basename(im['file_name'])}"
        X.append(cv2.imread(p, cv2.IMREAD_GRAYSCALE))
        a = ann[im['id']][0]
        Y.append(cidx[a['category_id']])
        x, y, w, h = a['bbox']
        r = lambda v: int(math.floor(v + 0.5))
        B.append([r(x), r(y), max(r(x), r(x + w) - 1), max(r(y), r(y + h) - 1)])
    return np.stack(X), np.array(Y), np.array(B)


def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0]) + 1
    ih = min(a[3], b[3]) - max(a[1], b[1]) + 1
    inter = max(iw, 0) * max(ih, 0)
    return inter / ((a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter)


def run(cfg):
    try:
        return run1(cfg)
    except Exception:
        import traceback
        traceback.print_exc()
        print('FAILED', cfg['name'], flush=True)


def run1(cfg):
    import torch, torch.nn as nn, torch.nn.functional as F, cv2
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    d = np.load('/tmp/digits.npz')
    dev = 'cuda'
    seed = cfg.get('seed', 1)
    torch.manual_seed(seed)
    big = cfg.get('data') == '20k'
    Xtr = torch.tensor(d['Xtr20' if big else 'Xtr'], device=dev).float().div(255 * cfg.get('std', 0.3)).unsqueeze(1)
    Ytr = torch.tensor(d['Ytr20' if big else 'Ytr'], device=dev).long()
    Xte = torch.tensor(d['Xte'], device=dev).float().div(255 * cfg.get('std', 0.3)).unsqueeze(1)
    Yte = d['Yte']; Bte = d['Bte']
    layers = []; cin = 1; macs = 0; hw = 96 * 96; stride = 1
    for s, stage in enumerate(cfg['stages']):
        if s > 0:
            layers.append(nn.MaxPool2d(2) if cfg.get('pool', 'max') == 'max' else nn.AvgPool2d(2))
            hw //= 4; stride *= 2
        for spec in stage:
            ch, dil, k = (spec + [1, 3][len(spec) - 1:]) if isinstance(spec, list) else (spec, 1, 3)
            layers.append(nn.Conv2d(cin, ch, k, padding=dil * (k // 2), dilation=dil, bias=cfg.get('bias', True)))
            macs += hw * cin * ch * k * k
            if cfg.get('bn'):
                layers.append(nn.BatchNorm2d(ch))
            layers.append(nn.ReLU())
            cin = ch
    if cfg.get('sat') == 'tanh':
        layers.append(nn.Tanh())
    elif cfg.get('sat'):
        layers.append(nn.Hardtanh(0.0, float(cfg['sat'])))
    if cfg.get('blur'):
        layers.append(nn.AvgPool2d(3, 1, 1))
    trunk = nn.Sequential(*layers).to(dev)
    if cfg.get('gated'):
        class Gated(nn.Module):
            def __init__(s2, local, ctx, gate):
                super().__init__(); s2.local, s2.ctx, s2.gate = local, ctx, gate
            def forward(s2, x):
                l = s2.local(x)
                return s2.ctx(l) * torch.relu(s2.gate(l))
        local = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2))
        dl = cfg['gated']
        ctx = nn.Sequential(nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                            nn.Conv2d(64, 64, 3, padding=dl[0], dilation=dl[0]), nn.ReLU(),
                            nn.Conv2d(64, 64, 3, padding=dl[1], dilation=dl[1]), nn.ReLU())
        gate = nn.Conv2d(32, 64, 1, bias=False)
        trunk = Gated(local, ctx, gate).to(dev)
        cin = 64; macs = 96*96*16*9 + 48*48*16*32*9 + 24*24*(32*64*9 + 64*64*9*2 + 32*64)
    fc = nn.Linear(cin, 10).to(dev)
    for m in list(trunk.modules()) + [fc]:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    params = list(trunk.parameters()) + list(fc.parameters())
    lr = cfg.get('lr', 0.002); bs = cfg.get('bs', 32); ep = cfg.get('epochs', 8)
    opt = torch.optim.Adam(params, lr=lr, weight_decay=cfg.get('wd', 0.0))
    n = cfg.get('ntrain', len(Ytr))
    steps = ep * ((n + bs - 1) // bs)
    sched = None
    if cfg.get('sched') == 'cosine':
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    elif cfg.get('sched') == 'step':
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, [int(steps * 0.75)], 0.1)
    ema = [p.detach().clone() for p in params] if cfg.get('ema') else None
    g = torch.Generator(device=dev); g.manual_seed(seed)
    t0 = time.time()
    for e in range(ep):
        trunk.train()
        perm = torch.randperm(n, device=dev, generator=g)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            x = Xtr[idx]; y = Ytr[idx]
            if cfg.get('has'):
                gsz, hp = cfg['has']
                keep = (torch.rand(x.shape[0], 1, 96 // gsz, 96 // gsz, device=dev) >= hp).float()
                x = x * keep.repeat_interleave(gsz, 2).repeat_interleave(gsz, 3)
            if cfg.get('shift'):
                sft = cfg['shift']
                dx, dy = np.random.randint(-sft, sft + 1, 2)
                x = torch.roll(x, (int(dy), int(dx)), (2, 3))
            A = trunk(x)
            if cfg.get('drop'):
                A = F.dropout2d(A, cfg['drop'])
            logits = fc(A.mean((2, 3)))
            if cfg.get('loss') == 'bce':
                loss = F.binary_cross_entropy_with_logits(logits, F.one_hot(y, 10).float())
            else:
                loss = F.cross_entropy(logits, y, label_smoothing=cfg.get('ls', 0.0))
            if cfg.get('l1cam'):
                cam = F.relu(torch.einsum('nkhw,nk->nhw', A, fc.weight[y]))
                loss = loss + cfg['l1cam'] * cam.mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if cfg.get('nonneg'):
                with torch.no_grad():
                    fc.weight.clamp_(min=0)
            if sched:
                sched.step()
            if ema is not None:
                with torch.no_grad():
                    torch._foreach_lerp_(ema, [p.detach() for p in params], 1 - cfg['ema'])
    train_s = time.time() - t0
    if ema is not None:  # evaluate the averaged weights
        with torch.no_grad():
            for p, e in zip(params, ema):
                p.copy_(e)
    trunk.eval()
    taus = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
    hits = {t: 0 for t in taus}; extra = {'all': 0, 'close9': 0}; correct = 0; ious = []
    percls = np.zeros((10, 2))
    with torch.no_grad():
        for s in range(0, len(Yte), 250):
            A = trunk(Xte[s:s + 250])
            logits = fc(A.mean((2, 3)))
            pred = logits.argmax(1).cpu().numpy()
            y = torch.tensor(Yte[s:s + 250], device=dev)
            cam = F.relu(torch.einsum('nkhw,nk->nhw', A, fc.weight[y])).unsqueeze(1)
            cam = F.interpolate(cam, size=(96, 96), mode='bilinear', align_corners=False)[:, 0].cpu().numpy()
            for j in range(len(pred)):
                i = s + j
                correct += pred[j] == Yte[i]
                m = cam[j]; mn, mx = m.min(), m.max()
                m = (m - mn) / (mx - mn) if mx > mn else np.zeros_like(m)
                for t in taus:
                    mask = (m > t * m.max()).astype(np.uint8)
                    k, lab, st, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
                    if k <= 1:
                        v = 0.0
                    else:
                        c = 1 + int(np.argmax(st[1:, cv2.CC_STAT_AREA]))
                        x0, y0, w, h = st[c, 0], st[c, 1], st[c, 2], st[c, 3]
                        v = iou([x0, y0, x0 + w - 1, y0 + h - 1], Bte[i])
                    hits[t] += v >= 0.5
                    if t == 0.2 and k > 1:
                        ys, xs = np.nonzero(lab)
                        extra['all'] += iou([xs.min(), ys.min(), xs.max(), ys.max()], Bte[i]) >= 0.5
                        cm = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
                        k2, lab2, st2, _ = cv2.connectedComponentsWithStats(cm, connectivity=8)
                        c = 1 + int(np.argmax(st2[1:, cv2.CC_STAT_AREA]))
                        x0, y0, w, h = st2[c, 0], st2[c, 1], st2[c, 2], st2[c, 3]
                        extra['close9'] += iou([x0, y0, x0 + w - 1, y0 + h - 1], Bte[i]) >= 0.5
                    if t == 0.2:
                        ious.append(v); percls[Yte[i]] += [v >= 0.5, 1]
    N = len(Yte)
    res = dict(name=cfg['name'], top1=round(correct / N, 4), loc=round(hits[0.2] / N, 4), loc_all=round(extra['all'] / N, 4), loc_close9=round(extra['close9'] / N, 4),
               loc_tau={str(t): round(hits[t] / N, 4) for t in taus}, miou=round(float(np.mean(ious)), 4),
               percls=[round(a / b, 2) for a, b in percls], mmacs=round(macs / 1e6, 1),
               cost=round(macs / 1e6 * ep * n / (44.0 * 8 * 8000), 2), train_s=round(train_s, 1), final_loss=round(loss.item(), 4))
    with open(f'{OUT}/results.jsonl', 'a') as f:
        f.write(json.dumps(res) + '\n')
    print(json.dumps(res), flush=True)
    return res


M = [[16], [32], [64, 64]]
# The four sweeps run on 2026-11-27 (results.jsonl, field "sweep"); names say what changed from M.
SWEEPS = {
    1: [
        dict(name='M'), dict(name='M_seed2', seed=2), dict(name='M_ep16', epochs=16), dict(name='M_ep32', epochs=32),
        dict(name='S2a', stages=[[16], [32, [32, 2], [48, 4], [48, 8]]]),
        dict(name='S2b_thin', stages=[[8], [16, [24, 2], [32, 4], [32, 8]]]),
        dict(name='S2c', stages=[[16], [32, [32, 2], [64, 4], [64, 2]]]),
        dict(name='S2a_ep16', stages=[[16], [32, [32, 2], [48, 4], [48, 8]]], epochs=16),
        dict(name='M_ls0.1', ls=0.1), dict(name='M_bce', loss='bce'), dict(name='M_wd1e-4', wd=1e-4),
        dict(name='M_bs64', bs=64, lr=0.003), dict(name='M_bs128', bs=128, lr=0.004),
        dict(name='W96', stages=[[16], [32], [96, 96]]), dict(name='D3', stages=[[16], [32], [64, 64, 64]]),
        dict(name='D2', stages=[[16], [32, 32], [64, 64]]), dict(name='S4dil', stages=[[16], [32], [64, [64, 2]]]),
        dict(name='S4dil3', stages=[[16], [32], [64, [64, 2], [64, 4]]]),
        dict(name='M_ep16_lr1e-3', epochs=16, lr=0.001), dict(name='M_step', sched='step'),
        dict(name='M_drop0.2', drop=0.2), dict(name='M_l1cam', l1cam=0.05),
        dict(name='S8', stages=[[16], [32], [64, 64], [64]]), dict(name='M_k5first', stages=[[[16, 1, 5]], [32], [64, 64]]),
    ],
    2: [dict(name=f'tanh_s{k}', sat='tanh', seed=k) for k in (1, 2, 3, 4)] + [dict(name=f'M_s{k}', seed=k) for k in (3, 4, 5)] + [
        dict(name='clamp1_s1', sat=1), dict(name='clamp1_s2', sat=1, seed=2), dict(name='clamp6_s1', sat=6),
        dict(name='tanh_avg_s1', sat='tanh', pool='avg'), dict(name='tanh_avg_s2', sat='tanh', pool='avg', seed=2),
        dict(name='avg_s1', pool='avg'), dict(name='avg_s2', pool='avg', seed=2),
        dict(name='has16_s1', has=[16, 0.5]), dict(name='has16_s2', has=[16, 0.5], seed=2),
        dict(name='has16_ep16', has=[16, 0.5], epochs=16), dict(name='has8_s1', has=[8, 0.33]),
        dict(name='tanh_has16', sat='tanh', has=[16, 0.5]), dict(name='tanh_ep16', sat='tanh', epochs=16),
        dict(name='tanh_D3', sat='tanh', stages=[[16], [32], [64, 64, 64]]),
        dict(name='tanh_S2c', sat='tanh', stages=[[16], [32, [32, 2], [64, 4], [64, 2]]]),
        dict(name='tanh_nobias', sat='tanh', bias=False), dict(name='tanh_bs64', sat='tanh', bs=64, lr=0.003),
        dict(name='tanh_lr1e-3', sat='tanh', lr=0.001), dict(name='tanh_lr4e-3', sat='tanh', lr=0.004),
        dict(name='tanh_W96', sat='tanh', stages=[[16], [32], [96, 96]]), dict(name='clamp1_avg', sat=1, pool='avg'),
        dict(name='tanh_std1', sat='tanh', std=1.0),
    ],
    3: [dict(name='M_s1', seed=1), dict(name='M_s2', seed=2)]
       + [dict(name=f'nonneg_s{k}', nonneg=True, seed=k) for k in (1, 2, 3)] + [
        dict(name='nonneg_has_s1', nonneg=True, has=[16, 0.5]), dict(name='nonneg_has_s2', nonneg=True, has=[16, 0.5], seed=2),
        dict(name='blur_s1', blur=True), dict(name='blur_s2', blur=True, seed=2), dict(name='blur_has_s1', blur=True, has=[16, 0.5]),
        dict(name='gated24_s1', gated=[2, 4]), dict(name='gated24_s2', gated=[2, 4], seed=2),
        dict(name='gated24_has', gated=[2, 4], has=[16, 0.5]), dict(name='gated11_s1', gated=[1, 1]),
        dict(name='has16_s3', has=[16, 0.5], seed=3), dict(name='has16_s4', has=[16, 0.5], seed=4),
        dict(name='has16_p3', has=[16, 0.3]), dict(name='has24_s1', has=[24, 0.5]), dict(name='has12_s1', has=[12, 0.5]),
        dict(name='nonneg_blur', nonneg=True, blur=True), dict(name='nonneg_nobias', nonneg=True, bias=False),
        dict(name='nonneg_ep16', nonneg=True, epochs=16),
    ],
    4: [dict(name=f'nn_s{k}', nonneg=True, seed=k) for k in (4, 5, 6)] + [
        dict(name='nn_avg_s1', nonneg=True, pool='avg'), dict(name='nn_avg_s2', nonneg=True, pool='avg', seed=2),
        dict(name='nn_D3', nonneg=True, stages=[[16], [32], [64, 64, 64]]),
        dict(name='nn_W96', nonneg=True, stages=[[16], [32], [96, 96]]),
        dict(name='nn_D2', nonneg=True, stages=[[16], [32, 32], [64, 64]]),
        dict(name='nn_lr1e-3', nonneg=True, lr=0.001), dict(name='nn_lr3e-3', nonneg=True, lr=0.003),
        dict(name='nn_bs64', nonneg=True, bs=64, lr=0.003), dict(name='nn_ep6', nonneg=True, epochs=6),
        dict(name='nn_ep10', nonneg=True, epochs=10), dict(name='nn_ep12', nonneg=True, epochs=12),
        dict(name='nn_std1', nonneg=True, std=1.0), dict(name='nn_ls', nonneg=True, ls=0.1),
        dict(name='nn_wd', nonneg=True, wd=1e-4),
        dict(name='nn_S2c', nonneg=True, stages=[[16], [32, [32, 2], [64, 4], [64, 2]]]),
        dict(name='nn_32', nonneg=True, stages=[[16], [32], [32, 32]]),
        dict(name='nn_48', nonneg=True, stages=[[16], [32], [48, 48]]),
        dict(name='nn_step', nonneg=True, sched='step'), dict(name='nn_cos', nonneg=True, sched='cosine'),
        dict(name='nn_S4dil', nonneg=True, stages=[[16], [32], [64, [64, 2]]]),
    ],
    5: [dict(name=f'nn_s{k}', nonneg=True, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_ls_s{k}', nonneg=True, ls=0.1, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_std1_s{k}', nonneg=True, std=1.0, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_nobias_s{k}', nonneg=True, bias=False, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_20k_ep4_s{k}', nonneg=True, data='20k', epochs=4, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_20k_ep8_s{k}', nonneg=True, data='20k', epochs=8, seed=k) for k in (1, 2)]
       + [dict(name=f'nn_48_s{k}', nonneg=True, stages=[[16], [32], [48, 48]], seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_drop_s{k}', nonneg=True, drop=0.1, seed=k) for k in (1, 2)]
       + [dict(name=f'nn_has25_s{k}', nonneg=True, has=[16, 0.25], seed=k) for k in (1, 2)],
    6: [dict(name=f'nn_s{k}', nonneg=True, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_ema999_s{k}', nonneg=True, ema=0.999, seed=k) for k in (1, 2, 3, 4)]
       + [dict(name=f'nn_ema998_s{k}', nonneg=True, ema=0.998, seed=k) for k in (1, 2, 3, 4)]
       + [dict(name=f'nn_ema9995_s{k}', nonneg=True, ema=0.9995, seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_step_s{k}', nonneg=True, sched='step', seed=k) for k in (1, 2, 3)]
       + [dict(name=f'nn_ema999_ep10_s{k}', nonneg=True, ema=0.999, epochs=10, seed=k) for k in (1, 2)],
}

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    Xtr, Ytr, Btr = load_split('train')
    Xte, Yte, Bte = load_split('test')
    more = {}
    if os.path.isdir('/tmp/digits20/train'):  # sweep 5: `heatbox synth digits --count 20000 --seed 1`, train split
        X20, Y20, _ = load_split('train', '/tmp/digits20')
        more = dict(Xtr20=X20, Ytr20=Y20)
    np.savez('/tmp/digits.npz', Xtr=Xtr, Ytr=Ytr, Xte=Xte, Yte=Yte, Bte=Bte, **more)
    print('data', Xtr.shape, Xte.shape, flush=True)
    cfgs = [dict({'stages': M}, **c) for c in SWEEPS[int(sys.argv[1])]]
    ctx = mp.get_context('spawn')
    with ctx.Pool(int(os.environ.get('WORKERS', 12))) as p:
        for r in p.imap_unordered(run, cfgs):
            pass

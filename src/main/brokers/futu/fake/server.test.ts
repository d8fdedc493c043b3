// The fake OpenD checks what it is sent: a raw wire client sends good and bad frames.
import { spawn } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../paths.js';
import { encodeFrame, FrameDecoder } from '../codec.js';
import { FutuConnection } from '../connection.js';
import { decodeResponse, encodeRequest, PROTO, type ProtoId } from '../proto.js';
import { waitFor } from '../testing.js';
import { FakeOpenD, md5, REAL_ACC_ID } from './server.js';

class RawClient {
  readonly replies: { protoId: number; serialNo: number; retType: number; retMsg?: string; s2c?: unknown }[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.replies.push({ protoId: f.protoId, serialNo: f.serialNo, ...decodeResponse(f.protoId as ProtoId, f.body) });
    });
    socket.on('close', () => (this.closed = true));
  }
  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }
  send(protoId: ProtoId, serialNo: number, c2s: object): void {
    this.socket.write(encodeFrame(protoId, serialNo, encodeRequest(protoId, c2s)));
  }
  reply(serialNo: number) {
    return waitFor(() => this.replies.find((r) => r.serialNo === serialNo), `reply ${serialNo}`);
  }
  async init(): Promise<string> {
    this.send(PROTO.InitConnect, 1, { clientVer: 1011, clientID: 'raw', packetEncAlgo: -1 });
    const reply = await this.reply(1);
    return String((reply.s2c as { connID: unknown }).connID);
  }
}

const header = { trdEnv: 1, accID: REAL_ACC_ID.toString(), trdMarket: 2 };
const place = (connID: string, serialNo: number) => ({ packetID: { connID, serialNo }, header, trdSide: 1, orderType: 1, code: 'AAPL', qty: 1, price: 100, secMarket: 2, remark: `raw-${serialNo}` });

let fake: FakeOpenD;
let client: RawClient;
beforeEach(async () => {
  fake = new FakeOpenD();
  const { port } = await fake.start();
  client = await RawClient.open(port);
});
afterEach(async () => {
  client.socket.destroy();
  await fake.stop();
});

describe('fake OpenD verification', () => {
  it('answers a well-formed session without recording violations', async () => {
    const connId = await client.init();
    expect(connId).toMatch(/^\d+$/);
    client.send(PROTO.KeepAlive, 2, { time: Math.floor(Date.now() / 1000) });
    expect((await client.reply(2)).retType).toBe(0);
    client.send(PROTO.TrdUnlockTrade, 3, { unlock: true, pwdMD5: md5('123456') });
    expect((await client.reply(3)).retType).toBe(0);
    client.send(PROTO.TrdPlaceOrder, 4, place(connId, 4));
    expect(await client.reply(4)).toMatchObject({ retType: 0, protoId: PROTO.TrdPlaceOrder });
    expect(fake.violations).toEqual([]);
  });

  it('drops a connection whose frame has a wrong body SHA1', async () => {
    const frame = encodeFrame(PROTO.InitConnect, 1, encodeRequest(PROTO.InitConnect, { clientVer: 1, clientID: 'x' }));
    frame.writeUInt8(frame.readUInt8(20) ^ 1, 20);
    client.socket.write(frame);
    await waitFor(() => client.closed, 'connection dropped');
    expect(fake.violations).toEqual([expect.stringMatching(/conn 1: bad frame \(BAD_SHA1\)/)]);
  });

  it('drops a connection that sends garbage', async () => {
    client.socket.write('hello?\r\n');
    await waitFor(() => client.closed, 'connection dropped');
    expect(fake.violations[0]).toMatch(/BAD_FLAG/);
  });

  it('wants InitConnect first and increasing serial numbers', async () => {
    client.send(PROTO.KeepAlive, 5, { time: 1 });
    expect(await client.reply(5)).toMatchObject({ retType: -1, retMsg: 'Please call InitConnect first' });
    client.send(PROTO.InitConnect, 6, { clientVer: 1011, clientID: 'raw' });
    await client.reply(6);
    client.send(PROTO.KeepAlive, 6, { time: 1 });
    await waitFor(() => client.replies.filter((r) => r.serialNo === 6).length === 2, 'second reply 6');
    expect(fake.violations).toEqual(['conn 1: KeepAlive before InitConnect', 'conn 1: serial 6 after 6: serial numbers must increase']);
  });

  it('refuses a REAL trade write before unlock, and a reused PacketID', async () => {
    const connId = await client.init();
    client.send(PROTO.TrdPlaceOrder, 2, place(connId, 2));
    expect(await client.reply(2)).toMatchObject({ retType: -1, retMsg: expect.stringMatching(/unlock/) });
    client.send(PROTO.TrdUnlockTrade, 3, { unlock: true, pwdMD5: md5('123456') });
    await client.reply(3);
    client.send(PROTO.TrdPlaceOrder, 4, place(connId, 2)); // the PacketID of serial 2 again
    expect(await client.reply(4)).toMatchObject({ retType: -1, retMsg: expect.stringMatching(/Duplicate request/) });
    client.send(PROTO.TrdPlaceOrder, 5, place('42', 5)); // another connection's id
    await client.reply(5);
    expect(fake.violations).toEqual(['conn 1: REAL trade write before unlock', `conn 1: duplicate PacketID ${connId}:2`, `conn 1: PacketID.connID 42 is not this connection's ${connId}`]);
  });

  it('refuses a wrong trade password and, with the fault on, any password', async () => {
    await client.init();
    client.send(PROTO.TrdUnlockTrade, 2, { unlock: true, pwdMD5: md5('nope') });
    expect(await client.reply(2)).toMatchObject({ retType: -1, retMsg: 'Unlock failed: incorrect trade password' });
    fake.refuseUnlock();
    client.send(PROTO.TrdUnlockTrade, 3, { unlock: true, pwdMD5: md5('123456') });
    expect((await client.reply(3)).retType).toBe(-1);
  });
});

describe('fake OpenD as a process', () => {
  it('starts from the command line, serves a FutuConnection and takes fault commands on stdin', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/brokers/futu/fake/main.ts', '--port', '0', '--keepalive', '5'], { cwd: projectRoot(), stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const ready = await waitFor(() => lines.find((l) => l.ready), 'ready line', 15_000);
      const connection = new FutuConnection({ port: Number(ready.port), env: 'REAL', clientId: 'proc', tradePasswordMd5: () => md5('123456'), reconnect: { initialDelayMs: 20, jitter: 0 } });
      const events: string[] = [];
      connection.onEvent((e) => events.push(e.type));
      await connection.connect();
      expect(connection.keepAliveIntervalMs).toBe(5_000);
      child.stdin.write('{"cmd":"killConnections"}\n');
      await waitFor(() => events.includes('resynced'), 'resync after a kill from stdin', 10_000);
      child.stdin.write('{"cmd":"violations"}\n');
      expect(await waitFor(() => lines.find((l) => l.cmd === 'violations'), 'violations answer')).toEqual({ ok: true, cmd: 'violations', value: [] });
      await connection.disconnect();
      child.stdin.write('{"cmd":"stop"}\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
  });
});
